import type { Message } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database, TriggerEphemeralsTable } from '../store/schema.js';

/** How long an ephemeral message stays clickable (it is gone from screens at the next reload anyway). */
export const EPHEMERAL_CLICKABLE_MS = 24 * 60 * 60 * 1000;

/**
 * Ephemeral messages are pushed, never stored (chat/messages); the ones carrying blocks are kept
 * here, with who received them, so a click on them can be checked like a click on a stored
 * message: the element must exist and the person must be a recipient.
 */
export class EphemeralBlocks {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Called by MessagesService before an ephemeral message is pushed. */
  async remember(message: Message, recipients: readonly string[]): Promise<void> {
    if (!message.blocks?.length) return;
    const now = this.clock.now();
    await this.db
      .deleteFrom('trigger_ephemerals')
      .where('created_at', '<', now - EPHEMERAL_CLICKABLE_MS)
      .execute();
    await this.db
      .insertInto('trigger_ephemerals')
      .values({
        id: message.id,
        workspace_id: message.workspaceId,
        channel_id: message.channelId,
        author_id: message.author,
        recipients: JSON.stringify(recipients),
        blocks: JSON.stringify(message.blocks),
        thread_root_id: message.threadReplyInfo?.rootId ?? null,
        created_at: now,
      })
      // An edited ephemeral message (same id) replaces its blocks and recipients.
      .onConflict((oc) => oc.column('id').doUpdateSet({ recipients: JSON.stringify(recipients), blocks: JSON.stringify(message.blocks) }))
      .execute();
  }

  /** Withdrawn for these people: they can no longer click it. */
  async forget(messageId: string, userIds: readonly string[]): Promise<void> {
    const row = await this.db.selectFrom('trigger_ephemerals').select('recipients').where('id', '=', messageId).executeTakeFirst();
    if (!row) return;
    const left = (JSON.parse(row.recipients) as string[]).filter((id) => !userIds.includes(id));
    await this.db
      .updateTable('trigger_ephemerals')
      .set({ recipients: JSON.stringify(left) })
      .where('id', '=', messageId)
      .execute();
  }

  /** The ephemeral message as `userId` received it in `channelId`, if it is still clickable. */
  async find(messageId: string, channelId: string, userId: string): Promise<TriggerEphemeralsTable | undefined> {
    const row = await this.db.selectFrom('trigger_ephemerals').selectAll().where('id', '=', messageId).executeTakeFirst();
    if (!row || row.channel_id !== channelId || row.created_at < this.clock.now() - EPHEMERAL_CLICKABLE_MS) return undefined;
    return (JSON.parse(row.recipients) as string[]).includes(userId) ? row : undefined;
  }
}
