import { createSecretKey, type KeyObject } from 'node:crypto';
import type { AppsStore } from '../store/apps-store.js';
import type { EventsStore } from '../store/events-store.js';

/** How long a registration's secrets are trusted from memory (other nodes may change them). */
const CACHE_MS = 2_000;

/**
 * Registered apps and their secrets. Ingest reads the secrets on every hook, so they are cached
 * briefly; a change on this node applies at once, one on another node within `CACHE_MS`.
 */
export class Registrations {
  private readonly cache = new Map<string, { secrets: string[] | undefined; keys: KeyObject[] | undefined; at: number }>();

  constructor(
    private readonly apps: AppsStore,
    private readonly events: EventsStore,
    private readonly now: () => number,
  ) {}

  /** Registers (or re-registers) an app; true when it is new. */
  async register(appId: string, secrets: string[]): Promise<boolean> {
    const created = await this.apps.upsert(appId, secrets, this.now());
    this.cache.set(appId, { secrets, keys: keysOf(secrets), at: this.now() });
    return created;
  }

  /** Removes the registration and every stored event; false when there was none. */
  async unregister(appId: string): Promise<boolean> {
    const existed = await this.apps.delete(appId);
    await this.events.deleteApp(appId);
    this.cache.delete(appId);
    return existed;
  }

  async secrets(appId: string): Promise<string[] | undefined> {
    return (await this.lookup(appId)).secrets;
  }

  /** The secrets as KeyObjects, for verifying hooks (an HMAC keyed by one skips importing the key each time). */
  async keys(appId: string): Promise<KeyObject[] | undefined> {
    return (await this.lookup(appId)).keys;
  }

  private async lookup(appId: string): Promise<{ secrets: string[] | undefined; keys: KeyObject[] | undefined }> {
    const now = this.now();
    const hit = this.cache.get(appId);
    if (hit && now - hit.at < CACHE_MS) return hit;
    const secrets = await this.apps.secrets(appId);
    if (this.cache.size > 100_000) this.cache.clear();
    const entry = { secrets, keys: secrets && keysOf(secrets), at: now };
    this.cache.set(appId, entry);
    return entry;
  }
}

function keysOf(secrets: string[]): KeyObject[] {
  return secrets.map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
}
