import { type AppSummary, type Manifest, type ManifestResponse, parseManifest, type RotatedSecrets, SwitchboardError } from '@switchboard/protocol';
import type { PersonActor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../security/secret-box.js';
import { newId } from '../store/ids.js';
import type { AppsTable } from '../store/schema.js';
import { newSecret, openSecrets, sealSecrets } from './app-secrets.js';
import type { AppsStore } from './apps-store.js';

/** How long the previous signing secret keeps signing beside the new one after a rotation. */
export const SIGNING_GRACE_MS = 24 * 3600 * 1000;

export function manifestOf(row: AppsTable): Manifest {
  return JSON.parse(row.manifest) as Manifest;
}

function validManifest(input: unknown): Manifest {
  const parsed = parseManifest(input);
  if (!parsed.ok) {
    const first = parsed.errors[0];
    throw new SwitchboardError('invalid_manifest', `The manifest is invalid: ${first.path} ${first.message}.`, { errors: parsed.errors });
  }
  return parsed.manifest;
}

/** The app registry: a developer's apps, their manifests and secrets (seed 001). */
export class AppsService {
  /** Listeners told when an app's secrets or manifest change (token caches, delivery targets). */
  private readonly changeListeners: ((appId: string) => void)[] = [];

  constructor(
    private readonly store: AppsStore,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  onAppChanged(listener: (appId: string) => void): void {
    this.changeListeners.push(listener);
  }

  private changed(appId: string): void {
    for (const listener of this.changeListeners) listener(appId);
  }

  async create(owner: PersonActor, input: unknown): Promise<ManifestResponse> {
    const manifest = validManifest(input);
    const now = this.clock.now();
    const id = newId(now);
    const secrets = { clientSecret: newSecret(), appKey: newSecret(), signingSecret: newSecret() };
    await this.store.insert({
      id,
      owner_user_id: owner.userId,
      owner_workspace_id: owner.workspaceId,
      name: manifest.name,
      manifest: JSON.stringify(manifest),
      ...sealSecrets(this.box, id, secrets),
      previous_signing_secret_enc: null,
      previous_signing_until: null,
      published: 0,
      created_at: now,
      updated_at: now,
    });
    return { ...manifest, id, ...secrets, published: false };
  }

  /** Replaces the manifest; secrets stay. New scopes apply to a workspace only after re-consent. */
  async update(owner: PersonActor, appId: string, input: unknown): Promise<ManifestResponse> {
    const row = await this.owned(owner, appId);
    const manifest = validManifest(input);
    await this.store.update(appId, { manifest: JSON.stringify(manifest), name: manifest.name, updated_at: this.clock.now() });
    this.changed(appId);
    return { ...manifest, id: appId, ...openSecrets(this.box, row), published: row.published === 1 };
  }

  async listMine(owner: PersonActor): Promise<AppSummary[]> {
    const rows = await this.store.listByOwner(owner.userId);
    return rows.map((row) => ({ ...manifestOf(row), id: row.id, published: row.published === 1 }));
  }

  async getMine(owner: PersonActor, appId: string): Promise<ManifestResponse> {
    const row = await this.owned(owner, appId);
    // pumble-cli iterates `dynamicMenus` of the app it fetched without a null check.
    const manifest = manifestOf(row);
    return { ...manifest, dynamicMenus: manifest.dynamicMenus ?? [], id: row.id, ...openSecrets(this.box, row), published: row.published === 1 };
  }

  async delete(owner: PersonActor, appId: string): Promise<void> {
    await this.owned(owner, appId);
    await this.store.delete(appId);
    this.changed(appId);
  }

  /** New secrets; the old signing secret keeps signing alongside for {@link SIGNING_GRACE_MS}. */
  async rotate(owner: PersonActor, appId: string, only?: keyof RotatedSecrets): Promise<RotatedSecrets> {
    const row = await this.owned(owner, appId);
    const old = openSecrets(this.box, row);
    const next = {
      clientSecret: !only || only === 'clientSecret' ? newSecret() : old.clientSecret,
      appKey: !only || only === 'appKey' ? newSecret() : old.appKey,
      signingSecret: !only || only === 'signingSecret' ? newSecret() : old.signingSecret,
    };
    const now = this.clock.now();
    const signingRotated = next.signingSecret !== old.signingSecret;
    await this.store.update(appId, {
      ...sealSecrets(this.box, appId, next),
      ...(signingRotated
        ? {
            previous_signing_secret_enc: this.box.seal(old.signingSecret, `app:${appId}:previousSigningSecret`),
            previous_signing_until: now + SIGNING_GRACE_MS,
          }
        : {}),
      updated_at: now,
    });
    this.changed(appId);
    return next;
  }

  /** The app row (any caller may look an app up by id; secrets stay sealed). */
  async find(appId: string): Promise<AppsTable | undefined> {
    return this.store.find(appId);
  }

  secretsOf(row: AppsTable) {
    return openSecrets(this.box, row);
  }

  private async owned(owner: PersonActor, appId: string): Promise<AppsTable> {
    const row = await this.store.find(appId);
    // Someone else's app answers 404 too: app ids are not secrets, but ownership is private.
    if (!row || row.owner_user_id !== owner.userId) throw new SwitchboardError('not_found', 'You have no app with that id.');
    return row;
  }
}
