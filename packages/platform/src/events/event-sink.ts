import type { Transaction } from 'kysely';
import type { ChangeSink, ChatChange } from '../chat/changes.js';
import type { Clock } from '../clock.js';
import { enqueue, type OutboxEntry } from '../delivery/index.js';
import type { Database } from '../store/schema.js';
import { toAppEvent } from './event-bodies.js';
import { recipientsOf, type Subscriptions } from './subscriptions.js';

/**
 * The transactional outbox for app events: inside the transaction of each chat change, one
 * outbox row per subscribed app of the workspace, only if the app's bot or one of its
 * authorized people may see the change (PROTOCOL.md 6.2). After commit, wakes the dispatcher.
 */
export class EventSink implements ChangeSink {
  /** Set when a transaction enqueued rows; a stale `true` only costs one empty claim. */
  private enqueued = false;

  constructor(
    private readonly subscriptions: Subscriptions,
    private readonly clock: Clock,
    private readonly wake: () => void,
  ) {}

  async inTransaction(trx: Transaction<Database>, changes: readonly ChatChange[]): Promise<void> {
    const entries: OutboxEntry[] = [];
    for (const change of changes) {
      const draft = toAppEvent(change);
      if (!draft) continue;
      const subs = (await this.subscriptions.of(change.workspaceId, trx)).filter((s) => s.events.has(draft.eventType));
      if (subs.length === 0) continue;
      const channel = draft.channelId ? await trx.selectFrom('channels').select(['type']).where('id', '=', draft.channelId).executeTakeFirst() : undefined;
      const members = draft.channelId
        ? new Set((await trx.selectFrom('channel_members').select('user_id').where('channel_id', '=', draft.channelId).execute()).map((r) => r.user_id))
        : undefined;
      // Public channels are readable by everyone in the workspace; others only by their members.
      const canSee = (userId: string) => !members || channel?.type === 'PUBLIC' || members.has(userId);
      for (const sub of subs) {
        const workspaceUserIds = recipientsOf(sub, draft.eventType, canSee);
        if (workspaceUserIds.length === 0) continue;
        const payload = {
          messageType: 'PUMBLE_EVENT',
          eventType: draft.eventType,
          workspaceId: change.workspaceId,
          workspaceUserIds,
          body: JSON.stringify(draft.body),
        };
        entries.push({
          appId: sub.appId,
          workspaceId: change.workspaceId,
          eventType: draft.eventType,
          channelKey: draft.channelId ?? 'workspace',
          payload: JSON.stringify(payload),
        });
      }
    }
    if (entries.length > 0) {
      await enqueue(trx, entries, this.clock.now());
      this.enqueued = true;
    }
  }

  afterCommit(): void {
    if (!this.enqueued) return;
    this.enqueued = false;
    this.wake();
  }
}
