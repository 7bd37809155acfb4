import type { Transaction } from 'kysely';
import type { ChangeSink, ChatChange } from '../chat/changes.js';
import type { Clock } from '../clock.js';
import { enqueue, laneKey, type OutboxEntry } from '../delivery/index.js';
import type { Database } from '../store/schema.js';
import type { WebhookFanOut } from '../webhooks/webhook-fanout.js';
import { ChannelTypes } from './channel-types.js';
import { toAppEvent } from './event-bodies.js';
import { recipientsOf, type Subscriptions } from './subscriptions.js';

/**
 * The transactional outbox for app events: inside the transaction of each chat change, one
 * outbox row per subscribed app of the workspace, only if the app's bot or one of its
 * authorized people may see the change (PROTOCOL.md 6.2). After commit, wakes the dispatcher.
 */
export class EventSink implements ChangeSink {
  /** Lanes (`laneKey`) given rows by transactions not yet reported; a stale key only costs one empty read. */
  private lanes: string[] = [];
  private readonly channelTypes = new ChannelTypes();

  constructor(
    private readonly subscriptions: Subscriptions,
    private readonly clock: Clock,
    /** Called after a commit that enqueued rows, with the lanes that got them. */
    private readonly wake: (lanes: readonly string[]) => void,
    /** Watson-style webhooks of the apps (seed 003): extra rows with `target` = webhook id. */
    private readonly webhooks?: WebhookFanOut,
  ) {}

  /**
   * Whether these changes may produce outbox rows. False only when the workspace's fresh cached
   * subscriptions prove nobody subscribes (lets a plain post skip BEGIN/COMMIT on PostgreSQL);
   * the cache is the same one `inTransaction` reads, so neither path is staler than the other.
   */
  writesFor(changes: readonly ChatChange[]): boolean {
    for (const change of changes) {
      const draft = toAppEvent(change);
      if (!draft) continue;
      const subs = this.subscriptions.peek(change.workspaceId);
      if (!subs || subs.some((s) => s.events.has(draft.eventType))) return true;
      if (this.webhooks?.mayWrite(change.workspaceId, draft)) return true;
    }
    return false;
  }

  async inTransaction(trx: Transaction<Database>, changes: readonly ChatChange[]): Promise<void> {
    const entries: OutboxEntry[] = [];
    for (const change of changes) {
      const draft = toAppEvent(change);
      if (!draft) continue;
      const subs = (await this.subscriptions.of(change.workspaceId, trx)).filter((s) => s.events.has(draft.eventType));
      const hooks = this.webhooks ? await this.webhooks.subscribed(change.workspaceId, draft, trx) : [];
      if (subs.length === 0 && hooks.length === 0) continue;
      const type = draft.channelId ? await this.channelTypes.of(trx, draft.channelId) : undefined;
      // Public channels are readable by everyone: their member list is not needed (nor read).
      const members =
        draft.channelId && type !== 'PUBLIC'
          ? new Set((await trx.selectFrom('channel_members').select('user_id').where('channel_id', '=', draft.channelId).execute()).map((r) => r.user_id))
          : undefined;
      // Others only by their members.
      const canSee = (userId: string) => !members || type === 'PUBLIC' || members.has(userId);
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
      if (this.webhooks && hooks.length > 0) entries.push(...(await this.webhooks.entries(trx, hooks, draft, change.workspaceId, canSee)));
    }
    if (entries.length > 0) {
      await enqueue(trx, entries, this.clock.now());
      for (const entry of entries) this.lanes.push(laneKey(entry.appId, entry.channelKey));
    }
  }

  afterCommit(): void {
    if (this.lanes.length === 0) return;
    const lanes = this.lanes;
    this.lanes = [];
    this.wake(lanes);
  }
}
