import type { Kysely } from 'kysely';

/** How far each person has read each channel: the chat page's unread markers (web-api/read-state-store.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('channel_reads')
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_read_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_reads_pk', ['user_id', 'channel_id'])
    .execute();
}
