import type { Manifest, ManifestResponse } from '@switchboard/protocol';
import { JsonFileTokenStore, type OAuth2AccessTokenResponse } from '@switchboard/sdk';
import { appsApi } from '../api/apps.js';
import { ApiError, CliError } from '../api/errors.js';
import type { DevPlatform } from './dev-platform.js';

export interface InstallResult {
  /** False when the app was already installed with a token in the file. */
  installed: boolean;
  botId?: string;
}

/** The consent string of PROTOCOL.md 4.1: user scopes, then bot scopes prefixed `bot:`. */
const scopeList = (manifest: Manifest) => [...manifest.scopes.userScopes, ...manifest.scopes.botScopes.map((scope) => `bot:${scope}`)].join(',');

/**
 * Installs the app in the person's workspace through the real OAuth API (a consent given
 * without the page, then the code exchange) and keeps the tokens in the JSON credentials file
 * the app reads (`SWITCHBOARD_TOKEN_FILE`). Skipped when it is installed and the file holds its
 * bot token, unless `renew` (the bot scopes changed). The bot joins #general, as a person would
 * add it after installing.
 */
export async function ensureInstalled(platform: DevPlatform, app: ManifestResponse, tokenFile: string, renew: boolean): Promise<InstallResult> {
  const { client } = platform;
  const store = new JsonFileTokenStore(tokenFile);
  await store.initialize();
  const authorized = (await appsApi.authorizations(client)).some((entry) => entry.app.id === app.id);
  if (authorized && !renew && (await store.getBotToken(platform.workspaceId))) return { installed: false };

  const redirectUrl = app.redirectUrls[0];
  if (!redirectUrl) throw new CliError('The app has no redirect URL to install through.');
  const { code } = await appsApi.grant(client, { clientId: app.id, scopes: scopeList(app), redirectUrl, isReinstall: authorized });
  const form = new URLSearchParams({ 'client-id': app.id, 'client-secret': app.clientSecret, code });
  const response = await fetch(`${platform.url}/oauth2/access`, { method: 'POST', body: form, signal: AbortSignal.timeout(30_000) });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new ApiError(
      response.status,
      String(body.code ?? `http_${response.status}`),
      `Installing the app failed: ${String(body.message ?? response.status)}`,
    );
  }
  const tokens = body as unknown as OAuth2AccessTokenResponse;
  await store.saveTokens(tokens);
  if (tokens.botId) await joinGeneral(platform, tokens.botId);
  return { installed: true, botId: tokens.botId };
}

async function joinGeneral(platform: DevPlatform, botId: string): Promise<void> {
  const channels = await platform.client.request<{ channel: { id: string; name?: string } }[]>('GET', '/v1/channels');
  const general = channels.find((entry) => entry.channel.name === 'general');
  if (!general) return;
  await platform.client.request('POST', `/v1/channels/${encodeURIComponent(general.channel.id)}/users`, { body: { userIds: [botId] } }).catch((error) => {
    // Already a member after a reinstall.
    if (!(error instanceof ApiError && error.status === 409)) throw error;
  });
}

/**
 * Hands an install to an app that keeps its own tokens — one written with another Pumble SDK,
 * started with `--command`: a fresh code goes to its redirect URL, as the consent page's redirect
 * would send the browser, and the app exchanges it at `/oauth2/access` itself. Answers the HTTP
 * status the app gave.
 */
export async function handOverInstall(platform: DevPlatform, app: ManifestResponse): Promise<number | undefined> {
  const redirectUrl = app.redirectUrls[0];
  if (!redirectUrl) return undefined;
  const { code } = await appsApi.grant(platform.client, { clientId: app.id, scopes: scopeList(app), redirectUrl, isReinstall: true });
  const target = new URL(redirectUrl);
  target.searchParams.set('code', code);
  const response = await fetch(target, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await response.body?.cancel();
  return response.status;
}
