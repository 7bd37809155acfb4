/** Watson-style webhooks (seed 003): management routes, verification, fan-out of events, delivery targets. */
import type { Kysely } from 'kysely';
import type { AppsService } from '../apps/apps-service.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Database } from '../store/schema.js';
import { verifyEndpoint } from './verification.js';
import { WebhookFanOut } from './webhook-fanout.js';
import { WebhookTargets } from './webhook-targets.js';
import { type Verify, WebhooksService } from './webhooks-service.js';
import { WebhooksStore } from './webhooks-store.js';

export { WEBHOOK_EVENTS, type WebhookEventName, webhookPayload } from './webhook-events.js';
export { WebhookFanOut } from './webhook-fanout.js';
export { WebhookTargets } from './webhook-targets.js';
export { webhooksRoutes } from './webhooks-routes.js';
export { WebhooksService } from './webhooks-service.js';

export interface Webhooks {
  service: WebhooksService;
  fanOut: WebhookFanOut;
  targets: WebhookTargets;
}

/**
 * Wires the webhook room; `reopen(url)` lifts the dispatcher's gate of that endpoint and wakes it
 * (called after enable/update made retries due).
 */
export function createWebhooks(
  db: Kysely<Database>,
  apps: AppsService,
  box: SecretBox,
  clock: Clock,
  reopen: (url: string) => void,
  verify: Verify = verifyEndpoint,
): Webhooks {
  const store = new WebhooksStore(db);
  const fanOut = new WebhookFanOut(store, clock);
  const targets = new WebhookTargets(store, box, clock);
  const service = new WebhooksService(store, apps, db, box, verify, clock, reopen);
  service.onChanged(() => {
    fanOut.invalidate();
    targets.invalidate();
  });
  // Deleting an app deletes its webhooks (cascade).
  apps.onAppChanged(() => {
    fanOut.invalidate();
    targets.invalidate();
  });
  return { service, fanOut, targets };
}
