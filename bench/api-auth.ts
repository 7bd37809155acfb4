import { json } from './lib/json-request.js';
import { runLoad } from './lib/load.js';
import { DEMO_PASSWORD, startBenchPlatform, withServerCpu } from './lib/platform.js';
import type { Scenario } from './run.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const MIN_CALLS_PER_S = 8_000;
const REDIRECT = 'https://bench.example.com/redirect';

export const description = `GET /v1/users/me as an app (bot token, then JWT), ${CONNECTIONS} concurrent clients, SQLite`;

/** Registers and installs an app through the real API; returns its credentials. */
async function installApp(url: string) {
  const login = await json<{ token: string; workspaceId: string; workspaceUserId: string }>(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }),
  });
  const base = `${url}/workspaces/${login.workspaceId}/workspaceUsers/${login.workspaceUserId}`;
  const manifest = {
    name: 'bench_app',
    displayName: 'Bench',
    bot: true,
    scopes: { botScopes: ['user:read'], userScopes: ['user:read'] },
    shortcuts: [],
    slashCommands: [],
    eventSubscriptions: { url: 'https://bench.example.com/events', events: [] },
    redirectUrls: [REDIRECT],
  };
  const app = await json<{ id: string; clientSecret: string; appKey: string }>(`${base}/apps`, {
    method: 'POST',
    headers: { authtoken: login.token, 'content-type': 'application/json' },
    body: JSON.stringify(manifest),
  });
  const grant = await json<{ code: string }>(
    `${base}/oauth2/grant?${new URLSearchParams({ clientId: app.id, scopes: 'user:read,bot:user:read', redirectUrl: REDIRECT })}`,
    {
      headers: { authtoken: login.token },
    },
  );
  const tokens = await json<{ botToken: string }>(`${url}/oauth2/access`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ 'client-id': app.id, 'client-secret': app.clientSecret, code: grant.code }).toString(),
  });
  const identity = await json<{ access_token: string }>(`${url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${app.id}:${app.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return { appKey: app.appKey, botToken: tokens.botToken, jwt: identity.access_token };
}

export async function run(): Promise<Scenario[]> {
  const platform = await startBenchPlatform('sqlite');
  try {
    const creds = await installApp(platform.url);
    const variants: [string, Record<string, string>][] = [
      ['sqlite bot token', { token: creds.botToken, 'x-app-token': creds.appKey }],
      ['sqlite JWT', { authorization: `Bearer ${creds.jwt}` }],
    ];
    const scenarios: Scenario[] = [];
    for (const [variant, headers] of variants) {
      const { value: result, serverCpuPercent } = await withServerCpu(platform, () =>
        runLoad({
          url: platform.url,
          connections: CONNECTIONS,
          warmupMs: WARMUP_SECONDS * 1000,
          durationMs: SECONDS * 1000,
          expectStatus: 200,
          request: () => ({ method: 'GET', path: '/v1/users/me', headers }),
        }),
      );
      scenarios.push({ variant, connections: CONNECTIONS, targets: { minThroughput: MIN_CALLS_PER_S }, result, serverCpuPercent });
    }
    return scenarios;
  } finally {
    await platform.stop();
  }
}
