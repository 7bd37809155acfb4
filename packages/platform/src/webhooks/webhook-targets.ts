import type { Clock } from '../clock.js';
import type { DeliveryTarget, DeliveryTargets, TargetQuery } from '../delivery/index.js';
import type { SecretBox } from '../security/secret-box.js';
import { openWebhookSecret } from './webhook-secret.js';
import type { WebhooksStore } from './webhooks-store.js';

/** Seed 003: a webhook must answer within 3 s. */
export const WEBHOOK_TIMEOUT_MS = 3_000;
/** Other nodes' changes show within this; this node's clear the cache at once. */
const CACHE_MS = 5_000;

/**
 * Where an outbox row with `target = <webhook id>` goes: the webhook's URL, signed Watson-style
 * with its secret. Undefined (the row is cancelled) once the webhook is deleted or disabled.
 */
export class WebhookTargets implements DeliveryTargets {
  private cache = new Map<string, { target: DeliveryTarget | undefined; until: number }>();

  constructor(
    private readonly store: WebhooksStore,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  invalidate(webhookId?: string): void {
    if (webhookId === undefined) this.cache = new Map();
    else this.cache.delete(webhookId);
  }

  async resolve(query: TargetQuery): Promise<DeliveryTarget | undefined> {
    if (query.target === null) return undefined;
    const now = this.clock.now();
    const hit = this.cache.get(query.target);
    if (hit && hit.until > now) return hit.target;
    const row = await this.store.find(query.target);
    const target: DeliveryTarget | undefined =
      row && row.app_id === query.appId && row.enabled === 1
        ? {
            url: row.url,
            signingSecrets: { current: openWebhookSecret(this.box, row) },
            transport: 'http',
            scheme: 'watson',
            timeoutMs: WEBHOOK_TIMEOUT_MS,
          }
        : undefined;
    this.cache.set(query.target, { target, until: now + CACHE_MS });
    return target;
  }
}
