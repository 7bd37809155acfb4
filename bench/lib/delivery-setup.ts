import { json } from './json-request.js';
import { DEMO_PASSWORD } from './platform.js';

export interface Login {
  token: string;
  workspaceId: string;
  workspaceUserId: string;
}

export function loginAlice(url: string): Promise<Login> {
  return json<Login>(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }),
  });
}

const REDIRECT = 'https://bench.example.com/redirect';

/** What registering an app answers (the secrets are shown once). */
export interface RegisteredBenchApp {
  id: string;
  clientSecret: string;
  signingSecret: string;
  appKey: string;
}

/**
 * Registers an app whose bot reads and writes messages, subscribed to NEW_MESSAGE and owning
 * `command`, and installs it through the real OAuth grant + `/oauth2/access`. `base` is where
 * its event and command URLs point (socket-mode apps: unused).
 */
export async function registerAndInstall(
  url: string,
  login: Login,
  app: { name: string; displayName: string; command: string; base: string; socketMode?: boolean },
): Promise<RegisteredBenchApp> {
  const prefix = `${url}/workspaces/${login.workspaceId}/workspaceUsers/${login.workspaceUserId}`;
  const manifest = {
    name: app.name,
    displayName: app.displayName,
    bot: true,
    ...(app.socketMode ? { socketMode: true } : {}),
    scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read'] },
    shortcuts: [],
    slashCommands: [{ command: app.command, url: `${app.base}/slash`, description: 'bench' }],
    eventSubscriptions: { url: `${app.base}/events`, events: ['NEW_MESSAGE'] },
    redirectUrls: [REDIRECT],
    welcomeMessage: null,
  };
  const registered = await json<RegisteredBenchApp>(`${prefix}/apps`, {
    method: 'POST',
    headers: { authtoken: login.token, 'content-type': 'application/json' },
    body: JSON.stringify(manifest),
  });
  const scopes = 'messages:read,bot:messages:read,bot:messages:write';
  const grant = await json<{ code: string }>(`${prefix}/oauth2/grant?${new URLSearchParams({ clientId: registered.id, scopes, redirectUrl: REDIRECT })}`, {
    headers: { authtoken: login.token },
  });
  await json(`${url}/oauth2/access`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ 'client-id': registered.id, 'client-secret': registered.clientSecret, code: grant.code }).toString(),
  });
  return registered;
}

/** Registers an app subscribed to NEW_MESSAGE (and owning /bench<i>), installs it with its bot; returns its signing secret. */
export async function installApp(url: string, login: Login, index: number, base: string): Promise<string> {
  const app = await registerAndInstall(url, login, {
    name: `bench_delivery_${index}`,
    displayName: `Bench delivery ${index}`,
    command: `/bench${index}`,
    base,
  });
  return app.signingSecret;
}

type ChannelInfo = { channel: { id: string; name: string } };

/**
 * `count` channels Alice is a member of: #general first, then public channels `bench-<i>` she
 * creates (their creator is a member), reusing those an earlier phase created.
 */
export async function aliceChannels(url: string, login: Login, count: number): Promise<string[]> {
  const headers = { authtoken: login.token, 'content-type': 'application/json' };
  const existing = await json<ChannelInfo[]>(`${url}/v1/channels?types=PUBLIC`, { headers });
  const byName = new Map(existing.map((entry) => [entry.channel.name, entry.channel.id]));
  const general = byName.get('general');
  if (!general) throw new Error('the demo workspace has no #general');
  const ids = [general];
  for (let index = 1; index < count; index += 1) {
    const name = `bench-${index}`;
    const id =
      byName.get(name) ??
      (await json<ChannelInfo>(`${url}/v1/channels`, { method: 'POST', headers, body: JSON.stringify({ name, type: 'PUBLIC' }) }, 201)).channel.id;
    ids.push(id);
  }
  return ids;
}
