import type { Clock } from '../clock.js';
import type { DeliveryTarget, DeliveryTargets, TargetQuery } from '../delivery/index.js';
import type { SecretBox } from '../security/secret-box.js';
import { signingSecretsOf } from './app-secrets.js';
import { type AppsService, manifestOf } from './apps-service.js';

/** Resolves where an app's events go, from the registry (cached until the app changes). */
export class RegistryDeliveryTargets implements DeliveryTargets {
  private readonly cache = new Map<string, { target: DeliveryTarget | undefined; until: number }>();

  constructor(
    private readonly apps: AppsService,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    /** Rows whose `target` is set (a webhook id) resolve here; without it they are cancelled. */
    private readonly webhooks?: DeliveryTargets,
  ) {
    apps.onAppChanged((appId) => this.cache.delete(appId));
  }

  async resolve(query: TargetQuery): Promise<DeliveryTarget | undefined> {
    if (query.target !== null) return this.webhooks?.resolve(query);
    const now = this.clock.now();
    const hit = this.cache.get(query.appId);
    if (hit && hit.until > now) return hit.target;
    const row = await this.apps.find(query.appId);
    let target: DeliveryTarget | undefined;
    let until = now + 60_000;
    if (row) {
      const manifest = manifestOf(row);
      const secrets = signingSecretsOf(this.box, row, now);
      // Socket mode has no URL: the app id names its connections (and its endpoint gate).
      const url = manifest.socketMode ? `socket:${query.appId}` : manifest.eventSubscriptions.url;
      target = { url, signingSecrets: secrets, transport: manifest.socketMode ? 'socket' : 'http' };
      // Re-read when the rotation grace period ends so the previous secret stops signing.
      if (row.previous_signing_until && row.previous_signing_until > now) until = Math.min(until, row.previous_signing_until);
    }
    this.cache.set(query.appId, { target, until });
    return target;
  }
}
