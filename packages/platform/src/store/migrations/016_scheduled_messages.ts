import type { Kysely } from 'kysely';

/**
 * Scheduled messages. A node claims a due row (pending → sending, with a claim token and a lease),
 * posts it, and the post's own transaction moves the row on (sent, or pending at its next
 * occurrence) only if the claim is still its own: a post and its bookkeeping commit together, so a
 * crash or a second node can never post it twice, and a lapsed lease lets another node take over.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scheduled_messages')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('author_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('app_id', 'varchar(32)')
    .addColumn('channel_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('blocks', 'text')
    .addColumn('attachments', 'text')
    .addColumn('files', 'text')
    .addColumn('recurrence', 'text')
    .addColumn('send_at', 'bigint', (c) => c.notNull())
    // The first occurrence: recurrences count from it, so 31 Jan monthly never drifts to the 28th.
    .addColumn('first_send_at', 'bigint', (c) => c.notNull())
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(0))
    // pending | sending | sent | failed
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('claim_token', 'varchar(64)')
    // While sending: the claim's lease. While pending: not claimable before (a retry's back-off).
    .addColumn('claimed_until', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_id', 'varchar(32)')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scheduled_messages_due').on('scheduled_messages').columns(['status', 'send_at']).execute();
  await db.schema.createIndex('scheduled_messages_author').on('scheduled_messages').columns(['author_id', 'status', 'send_at']).execute();
}
