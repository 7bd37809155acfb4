import { exchangeCode, grantCode, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, type Session, type TestPlatform } from '../harness.js';

/** An installed app's credentials, as a Pumble app holds them. */
export interface InstalledApp {
  appId: string;
  appKey: string;
  botToken: string;
  userToken: string;
  botUserId: string;
}

/** Registers and installs an app of `owner` with the given bot and user scopes; its bot joins `channelIds`. */
export async function installApp(
  t: TestPlatform,
  owner: Session,
  name: string,
  botScopes: string[],
  userScopes: string[],
  channelIds: string[] = [],
  /** Events the app subscribes to (at an unreachable URL: they stay in the outbox). */
  events: string[] = [],
): Promise<InstalledApp> {
  const app = await registerApp(
    t.url,
    owner,
    testManifest({
      name,
      slashCommands: [],
      scopes: { botScopes, userScopes },
      eventSubscriptions: { url: 'http://127.0.0.1:9/events', events },
      welcomeMessage: null,
    }),
  );
  const scopes = [...userScopes, ...botScopes.map((scope) => `bot:${scope}`)].join(',');
  const code = await grantCode(t.url, owner, app, { scopes });
  const tokens = await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
  if (tokens.status !== 200) throw new Error(`install failed ${JSON.stringify(tokens.body)}`);
  const me = await fetch(`${t.url}/oauth2/me`, { headers: { token: tokens.body.botToken, 'x-app-token': app.appKey } });
  const botUserId = ((await me.json()) as { workspaceUserId: string }).workspaceUserId;
  for (const channelId of channelIds) await call(t.url, owner.token, 'POST', `/v1/channels/${channelId}/users`, { userIds: [botUserId] });
  return { appId: app.id, appKey: app.appKey, botToken: tokens.body.botToken, userToken: tokens.body.accessToken, botUserId };
}

/** Headers of an App API call made with the bot's token. */
export const botHeaders = (app: InstalledApp) => ({ token: app.botToken, 'x-app-token': app.appKey });

/** A JSON call with any headers (app tokens or a person's `authtoken`), with the SDK's content type. */
export async function callWith<T = unknown>(
  url: string,
  headers: Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
