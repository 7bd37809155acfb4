import type { SecretBox } from '../security/secret-box.js';
import type { WebhooksTable } from '../store/schema.js';

/** Sealed under the webhook's own purpose, like app secrets (a ciphertext can't be moved to another row). */
export function sealWebhookSecret(box: SecretBox, webhookId: string, secret: string): string {
  return box.seal(secret, `webhook:${webhookId}:secret`);
}

export function openWebhookSecret(box: SecretBox, row: Pick<WebhooksTable, 'id' | 'secret_enc'>): string {
  return box.open(row.secret_enc, `webhook:${row.id}:secret`);
}
