import { SwitchboardError } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import { newSecret } from '../apps/app-secrets.js';
import type { AppsService } from '../apps/apps-service.js';
import type { PersonActor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import { cancelPending, resetSchedule } from '../delivery/index.js';
import type { SecretBox } from '../security/secret-box.js';
import { newId } from '../store/ids.js';
import type { Database, WebhooksTable } from '../store/schema.js';
import type { VerificationResult } from './verification.js';
import type { WebhookEventName } from './webhook-events.js';
import type { CreatedWebhook, CreateWebhookBody, UpdateWebhookBody, Webhook } from './webhook-schemas.js';
import { openWebhookSecret, sealWebhookSecret } from './webhook-secret.js';
import type { WebhooksStore } from './webhooks-store.js';

/** More would only multiply deliveries; Watson allows a handful per app too. */
export const MAX_WEBHOOKS_PER_APP = 20;

export type Verify = (url: string, secret: string) => Promise<VerificationResult>;

/** A failed verification handshake: the route answers 400 `webhook_verification_failed`. */
export type VerifiedOr<T> = { ok: true; value: T } | Extract<VerificationResult, { ok: false }>;

function view(row: WebhooksTable): Webhook {
  return {
    id: row.id,
    appId: row.app_id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventName[],
    enabled: row.enabled === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

const unique = (events: readonly WebhookEventName[]) => [...new Set(events)];

/**
 * Watson-style webhooks of an app (seed 003), managed by the app's owner: created disabled,
 * enabled only after the verification handshake; enabling and updating reset the retry
 * schedule of pending deliveries, deleting cancels them.
 */
export class WebhooksService {
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly store: WebhooksStore,
    private readonly apps: AppsService,
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly verify: Verify,
    private readonly clock: Clock,
    /**
     * After rows were made due: lifts the endpoint gate of the URL (so a tripped gate does not hold
     * them until its next probe) and wakes the dispatcher.
     */
    private readonly reopen: (url: string) => void,
  ) {}

  /** Told when a webhook changes (fan-out and target caches). */
  onChanged(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  async create(owner: PersonActor, appId: string, input: CreateWebhookBody): Promise<CreatedWebhook> {
    await this.ownedApp(owner, appId);
    if ((await this.store.countByApp(appId)) >= MAX_WEBHOOKS_PER_APP) {
      throw new SwitchboardError('conflict', `An app may have at most ${MAX_WEBHOOKS_PER_APP} webhooks; delete one first.`);
    }
    const now = this.clock.now();
    const id = newId(now);
    const secret = newSecret();
    const row: WebhooksTable = {
      id,
      app_id: appId,
      url: input.url,
      events: JSON.stringify(unique(input.events)),
      secret_enc: sealWebhookSecret(this.box, id, secret),
      enabled: 0,
      created_at: now,
      updated_at: now,
    };
    await this.store.insert(row);
    return { ...view(row), secret };
  }

  async list(owner: PersonActor, appId: string): Promise<Webhook[]> {
    await this.ownedApp(owner, appId);
    return (await this.store.listByApp(appId)).map(view);
  }

  /**
   * Changes url and/or events and retries pending deliveries at once. A new URL of an enabled
   * webhook is verified first (else an unverified endpoint would receive events); if that
   * fails nothing changes.
   */
  async update(owner: PersonActor, appId: string, webhookId: string, input: UpdateWebhookBody): Promise<VerifiedOr<Webhook>> {
    const row = await this.owned(owner, appId, webhookId);
    if (input.url !== undefined && input.url !== row.url && row.enabled === 1) {
      const verified = await this.verify(input.url, openWebhookSecret(this.box, row));
      if (!verified.ok) return verified;
    }
    const now = this.clock.now();
    const patch = {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: JSON.stringify(unique(input.events)) } : {}),
      updated_at: now,
    };
    await this.store.update(webhookId, patch);
    this.changed();
    await this.restartSchedule(appId, webhookId, patch.url ?? row.url, now);
    return { ok: true, value: view({ ...row, ...patch }) };
  }

  /** Runs the verification handshake; only a correct answer enables the webhook (and retries its backlog at once). */
  async enable(owner: PersonActor, appId: string, webhookId: string): Promise<VerifiedOr<Webhook>> {
    const row = await this.owned(owner, appId, webhookId);
    const verified = await this.verify(row.url, openWebhookSecret(this.box, row));
    if (!verified.ok) return verified;
    const now = this.clock.now();
    await this.store.update(webhookId, { enabled: 1, updated_at: now });
    this.changed();
    await this.restartSchedule(appId, webhookId, row.url, now);
    return { ok: true, value: view({ ...row, enabled: 1, updated_at: now }) };
  }

  /** Stops new deliveries; rows still pending are cancelled when they come due. */
  async disable(owner: PersonActor, appId: string, webhookId: string): Promise<Webhook> {
    const row = await this.owned(owner, appId, webhookId);
    const now = this.clock.now();
    await this.store.update(webhookId, { enabled: 0, updated_at: now });
    this.changed();
    return view({ ...row, enabled: 0, updated_at: now });
  }

  /** Deletes the webhook and cancels its pending deliveries and retries. */
  async delete(owner: PersonActor, appId: string, webhookId: string): Promise<{ cancelled: number }> {
    await this.owned(owner, appId, webhookId);
    await this.store.delete(webhookId);
    this.changed();
    return { cancelled: await cancelPending(this.db, appId, webhookId) };
  }

  private async restartSchedule(appId: string, webhookId: string, url: string, now: number): Promise<void> {
    if ((await resetSchedule(this.db, appId, webhookId, now)) > 0) this.reopen(url);
  }

  private async ownedApp(owner: PersonActor, appId: string): Promise<void> {
    const app = await this.apps.find(appId);
    // Someone else's app answers 404 too, like the app management API.
    if (!app || app.owner_user_id !== owner.userId) throw new SwitchboardError('not_found', 'You have no app with that id.');
  }

  private async owned(owner: PersonActor, appId: string, webhookId: string): Promise<WebhooksTable> {
    await this.ownedApp(owner, appId);
    const row = await this.store.find(webhookId);
    if (!row || row.app_id !== appId) throw new SwitchboardError('not_found', 'This app has no webhook with that id.');
    return row;
  }
}
