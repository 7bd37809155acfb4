import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { OutboxEntry } from '../delivery/index.js';
import type { AppEventDraft } from '../events/event-bodies.js';
import { recipientsOf, type Subscription } from '../events/subscriptions.js';
import type { Database } from '../store/schema.js';
import { type WebhookEventName, webhookEventName, webhookPayload } from './webhook-events.js';
import type { WebhooksStore } from './webhooks-store.js';

/** An enabled webhook, with what its app may see in one workspace. */
export interface WebhookSubscription {
  webhookId: string;
  events: ReadonlySet<WebhookEventName>;
  /** The app's bot and authorized people there (for the scope and visibility check). */
  sub: Subscription;
}

const CACHE_MS = 2_000;

/** Outbox lane of a webhook in a channel: webhooks of one app never wait behind each other or the app's event URL. */
export const webhookLane = (webhookId: string, channelKey: string) => `wh:${webhookId}:${channelKey}`;

/**
 * Events to webhooks, called by the EventSink inside the change's transaction: one outbox row
 * per enabled, subscribed webhook of each installed app whose bot or authorized people hold
 * the event's scope and can see the channel; X-OUTBOUND-INDEX counts per (app, channel).
 * Enabled webhooks per workspace are cached briefly; local changes clear the cache at once.
 */
export class WebhookFanOut {
  private cache = new Map<string, { at: number; hooks: WebhookSubscription[] }>();

  constructor(
    private readonly store: WebhooksStore,
    private readonly clock: Clock,
  ) {}

  invalidate(): void {
    this.cache = new Map();
  }

  /**
   * For `EventSink.writesFor` (no query): false only when the fresh cache proves no enabled
   * webhook of the workspace subscribes to this event.
   */
  mayWrite(workspaceId: string, draft: AppEventDraft): boolean {
    const name = webhookEventName(draft.eventType);
    if (!name) return false;
    const hit = this.cache.get(workspaceId);
    if (!hit || this.clock.now() - hit.at >= CACHE_MS) return true;
    return hit.hooks.some((hook) => hook.events.has(name));
  }

  /** Enabled webhooks of the workspace subscribed to this event (cheap when there are none). */
  async subscribed(workspaceId: string, draft: AppEventDraft, db: Kysely<Database> | Transaction<Database>): Promise<WebhookSubscription[]> {
    const name = webhookEventName(draft.eventType);
    if (!name) return [];
    return (await this.of(workspaceId, db)).filter((hook) => hook.events.has(name));
  }

  /** The outbox rows of one event for the given webhooks (from `subscribed`). */
  async entries(
    trx: Transaction<Database>,
    hooks: readonly WebhookSubscription[],
    draft: AppEventDraft,
    workspaceId: string,
    canSee: (userId: string) => boolean,
  ): Promise<OutboxEntry[]> {
    const payload = webhookPayload(draft, workspaceId, this.clock.now());
    if (!payload) return [];
    const body = JSON.stringify(payload);
    const channelKey = draft.channelId ?? 'workspace';
    const entries: OutboxEntry[] = [];
    const indexOf = new Map<string, number>();
    for (const hook of hooks) {
      if (recipientsOf(hook.sub, draft.eventType, canSee).length === 0) continue;
      const appId = hook.sub.appId;
      let index = indexOf.get(appId);
      if (index === undefined) {
        // One index per event and app: every webhook of the app sees the same number for it.
        index = await this.store.nextIndex(trx, appId, channelKey);
        indexOf.set(appId, index);
      }
      entries.push({
        appId,
        workspaceId,
        eventType: draft.eventType,
        channelKey: webhookLane(hook.webhookId, channelKey),
        payload: body,
        target: hook.webhookId,
        outboundIndex: index,
      });
    }
    return entries;
  }

  private async of(workspaceId: string, db: Kysely<Database> | Transaction<Database>): Promise<WebhookSubscription[]> {
    const now = this.clock.now();
    const hit = this.cache.get(workspaceId);
    if (hit && now - hit.at < CACHE_MS) return hit.hooks;
    const rows = await this.store.enabledIn(workspaceId, db);
    const hooks: WebhookSubscription[] = [];
    if (rows.length > 0) {
      const grants = await this.store.authorizations(workspaceId, [...new Set(rows.map((r) => r.app_id))], db);
      const subs = new Map<string, Subscription>();
      for (const row of rows) {
        let sub = subs.get(row.app_id);
        if (!sub) {
          const people = new Map<string, ReadonlySet<string>>();
          for (const grant of grants) if (grant.app_id === row.app_id) people.set(grant.user_id, new Set(JSON.parse(grant.user_scopes) as string[]));
          sub = { appId: row.app_id, events: new Set(), botUserId: row.bot_user_id, botScopes: new Set(JSON.parse(row.bot_scopes) as string[]), people };
          subs.set(row.app_id, sub);
        }
        hooks.push({ webhookId: row.id, events: new Set(JSON.parse(row.events) as WebhookEventName[]), sub });
      }
    }
    this.cache.set(workspaceId, { at: now, hooks });
    return hooks;
  }
}
