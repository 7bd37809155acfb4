import type { Kysely } from 'kysely';

/** Single-use sign-in links (hashes only): `switchboard dev` opens the chat page signed in. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('one_time_logins')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(32)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('workspace_user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('one_time_logins_expiry').on('one_time_logins').column('expires_at').execute();
}
