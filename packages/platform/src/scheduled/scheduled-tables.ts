import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

/** Rows of migration 016. */
export interface ScheduledMessagesTable {
  id: string;
  workspace_id: string;
  author_id: string;
  app_id: string | null;
  channel_id: string;
  text: string;
  blocks: string | null;
  attachments: string | null;
  /** JSON array of file ids, attached when it is posted. */
  files: string | null;
  /** JSON ScheduledMessageRecurrenceRequest. */
  recurrence: string | null;
  send_at: number;
  first_send_at: number;
  occurrences: number;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  claim_token: string | null;
  claimed_until: number | null;
  attempts: number;
  last_message_id: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** A transaction is a Kysely too, so one type serves both. */
export type ScheduledDb = Kysely<Database & { scheduled_messages: ScheduledMessagesTable }>;

export const withScheduledTables = (db: Kysely<Database> | Transaction<Database>): ScheduledDb =>
  db.withTables<{ scheduled_messages: ScheduledMessagesTable }>();

/** What a row becomes once an occurrence is posted: sent, or pending at its next occurrence. */
export type Settlement = Pick<ScheduledMessagesTable, 'status' | 'send_at' | 'occurrences' | 'last_message_id'>;
