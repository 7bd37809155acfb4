import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest, ManifestResponse } from '@switchboard/protocol';
import { z } from 'zod';
import { appsApi } from '../api/apps.js';
import { ApiError } from '../api/errors.js';
import { writePrivateFile } from '../credentials/rc-file.js';
import { readAppFile, writeAppFile } from '../manifest/app-file.js';
import { diffManifests, type ManifestChange } from '../manifest/diff.js';
import type { DevPlatform } from './dev-platform.js';

export interface SyncResult {
  app: ManifestResponse;
  created: boolean;
  /** What this sync changed on the platform (empty when it already matched). */
  changes: ManifestChange[];
  /** The bot scopes grew or shrank: the install must be renewed to get a token with them. */
  botScopesChanged: boolean;
}

/** Where the embedded platform's app id is kept (the platform's store is in the same folder). */
const EMBEDDED_REF = 'dev-app.json';

/** The app's id and secrets as the embedded platform issued them (0600: they are secrets). */
const KnownRegistration = z.object({ id: z.string(), appKey: z.string(), clientSecret: z.string(), signingSecret: z.string() });
export type KnownRegistration = z.infer<typeof KnownRegistration>;

/** Last run's registration on the embedded platform, to start the app before the platform is up. */
export function knownRegistration(stateDir: string): KnownRegistration | undefined {
  try {
    const parsed = KnownRegistration.safeParse(JSON.parse(readFileSync(join(stateDir, EMBEDDED_REF), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function registeredId(platform: DevPlatform, appDir: string, stateDir: string): string | undefined {
  if (!platform.embedded) {
    const file = readAppFile(appDir);
    return file && file.url === platform.url ? file.appId : undefined;
  }
  return knownRegistration(stateDir)?.id;
}

function remember(platform: DevPlatform, app: ManifestResponse, appDir: string, stateDir: string): void {
  const { id, appKey, clientSecret, signingSecret } = app;
  if (platform.embedded) {
    writePrivateFile(join(stateDir, EMBEDDED_REF), `${JSON.stringify({ id, appKey, clientSecret, signingSecret }, null, 2)}\n`);
    return;
  }
  writeAppFile({ url: platform.url, appId: id, appKey, clientSecret, signingSecret }, appDir);
}

const withoutSecrets = ({ id: _i, appKey: _k, clientSecret: _c, signingSecret: _s, published: _p, ...manifest }: ManifestResponse): Manifest =>
  manifest as Manifest;

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((entry) => b.includes(entry));

/**
 * Makes the platform's registration match `manifest` (the local copy, URLs pointed at this
 * machine): created the first time, updated when anything differs, untouched otherwise.
 * The developer's manifest.json is never written.
 */
export async function syncApp(platform: DevPlatform, manifest: Manifest, appDir: string, stateDir: string): Promise<SyncResult> {
  const { client } = platform;
  const known = registeredId(platform, appDir, stateDir);
  let current: ManifestResponse | undefined;
  if (known) {
    current = await appsApi.get(client, known).catch((error) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    });
  }
  // The state file is gone but the platform kept the app (same name, same owner): adopt it
  // rather than register a second app answering the same commands.
  if (!current) {
    const same = (await appsApi.list(client)).find((app) => app.name === manifest.name);
    if (same) current = await appsApi.get(client, same.id);
  }
  if (!current) {
    const app = await appsApi.create(client, manifest);
    remember(platform, app, appDir, stateDir);
    return { app, created: true, changes: [], botScopesChanged: false };
  }
  if (current.id !== known) remember(platform, current, appDir, stateDir);
  const before = withoutSecrets(current);
  const changes = diffManifests(before, manifest);
  if (changes.length === 0) return { app: current, created: false, changes, botScopesChanged: false };
  const updated = await appsApi.update(client, current.id, manifest);
  const { appKey, clientSecret, signingSecret } = current;
  return {
    app: { ...updated, appKey, clientSecret, signingSecret },
    created: false,
    changes,
    botScopesChanged: !sameSet(before.scopes.botScopes, manifest.scopes.botScopes) || before.bot !== manifest.bot,
  };
}
