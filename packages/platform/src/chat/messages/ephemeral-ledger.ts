import type { Kysely } from 'kysely';
import type { Database, EphemeralMessagesTable } from '../../store/schema.js';

/** How long the sender of an ephemeral message may still edit or withdraw it. */
export const EPHEMERAL_LEDGER_MS = 24 * 60 * 60 * 1000;
/** Pruning old rows on every insert would add a DELETE to each ephemeral post; one in this many does it. */
const PRUNE_EVERY = 200;

/** Who sent each ephemeral message to whom: the message is pushed, never stored in `messages`. */
export class EphemeralLedger {
  private inserts = 0;

  constructor(private readonly db: Kysely<Database>) {}

  async record(row: EphemeralMessagesTable): Promise<void> {
    if (++this.inserts % PRUNE_EVERY === 0) {
      await this.db
        .deleteFrom('ephemeral_messages')
        .where('created_at', '<', row.created_at - EPHEMERAL_LEDGER_MS)
        .execute();
    }
    await this.db.insertInto('ephemeral_messages').values(row).execute();
  }

  /** The ephemeral message if it is recent enough to be acted on. */
  async find(id: string, now: number): Promise<EphemeralMessagesTable | undefined> {
    const row = await this.db.selectFrom('ephemeral_messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row && row.created_at >= now - EPHEMERAL_LEDGER_MS ? row : undefined;
  }

  async setRecipients(id: string, recipients: readonly string[]): Promise<void> {
    await this.db
      .updateTable('ephemeral_messages')
      .set({ recipients: JSON.stringify(recipients) })
      .where('id', '=', id)
      .execute();
  }
}
