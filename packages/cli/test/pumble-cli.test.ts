import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestPlatform, type TestPlatform } from './support/platform.js';
import { type ReceivedMail, startSmtpSink } from './support/smtp-sink.js';

/**
 * Replays exactly what pumble-cli sends (CAKE-com/pumble-node-sdk, pumble-cli/src/services:
 * PumbleApiClient.ts, Login.ts, AppSync.ts) with PUMBLE_API_URL pointing at Switchboard:
 * the same methods, paths, axios headers and bodies, in the order its commands make them.
 */
const AXIOS_HEADERS = { accept: 'application/json, text/plain, */*', 'user-agent': 'axios/1.7.9' };

interface Answer<T> {
  status: number;
  body: T;
}

async function send<T>(base: string, method: string, path: string, options: { body?: unknown; authtoken?: string } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...AXIOS_HEADERS };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.authtoken) headers.authtoken = options.authtoken;
  const response = await fetch(base + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** pumble-cli's `isTokenExpired`: base64-decodes the middle part and reads `exp`. */
function pumbleCliThinksExpired(token: string): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64').toString());
    return Date.now() > payload.exp * 1000;
  } catch {
    return true;
  }
}

function codeIn(mail: ReceivedMail): string {
  const match = /sign-in code is (\d{6})/.exec(mail.data);
  if (!match) throw new Error(`no code in ${mail.data}`);
  return match[1];
}

/** The manifest pumble-cli's AppSync sends: the SDK's emitted manifest, URLs made absolute, events as names. */
function syncedManifest(host: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'standup-bot',
    displayName: 'Standup Bot',
    bot: true,
    botTitle: 'Standups',
    scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read'] },
    redirectUrls: [`${host}/redirect`],
    blockInteraction: { url: `${host}/hook` },
    dynamicMenus: [],
    slashCommands: [{ command: '/standup', description: '', usageHint: '', url: `${host}/hook` }],
    shortcuts: [{ url: `${host}/hook`, shortcutType: 'GLOBAL', displayName: 'Start standup', name: 'start_standup', description: '' }],
    eventSubscriptions: { url: `${host}/hook`, events: ['NEW_MESSAGE', 'APP_UNINSTALLED'] },
    ...extra,
  };
}

describe.each(await dialects())('pumble-cli against Switchboard (request replay), %s', (dialect) => {
  let t: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestPlatform({ smtpUrl: smtp.url }, dialect);
  });
  afterAll(async () => {
    await t.stop();
    await smtp.close();
  });

  /** The mail after the first `after`: codes are mailed in the background, after /lead answered. */
  async function nextMail(after: number): Promise<ReceivedMail> {
    for (let waited = 0; smtp.mails.length <= after; waited += 20) {
      if (waited > 5_000) throw new Error('no mail arrived');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return smtp.mails[after];
  }

  async function leadLogin(email: string, variant: 'with-lead-id' | 'without-lead-id' = 'with-lead-id') {
    const sent = smtp.mails.length;
    const lead = await send<{ id: string }>(t.url, 'POST', '/lead', { body: { email } });
    expect(lead.status).toBe(200);
    const mail = await nextMail(sent);
    expect(mail.to).toEqual([email]);
    const code = codeIn(mail);
    const body = variant === 'with-lead-id' ? { email, code, leadId: lead.body.id } : { email, code };
    const activated = await send(t.url, 'POST', '/lead/activate', { body });
    expect(activated.status).toBeLessThan(300);
    const login = await send<{ items: { workspace: { id: string; name: string }; workspaceUser: { id: string }; exchangeToken: string }[] }>(
      t.url,
      'POST',
      '/lead/login',
      { body: { leadId: lead.body.id } },
    );
    expect(login.status).toBe(200);
    return { leadId: lead.body.id, items: login.body.items };
  }

  it('login: /lead (code by mail) → /lead/activate → /lead/login → /workspaces/{ws}/exchange gives tokens pumble-cli can read', async () => {
    const { items } = await leadLogin('alice@example.com');
    expect(items).toHaveLength(1);
    expect(items[0].workspace.name).toBe('Demo');
    const selected = items[0];
    const tokens = await send<{ token: string; refreshToken: string }>(t.url, 'POST', `/workspaces/${selected.workspace.id}/exchange`, {
      body: { exchangeToken: selected.exchangeToken },
    });
    expect(tokens.status).toBe(200);
    // checkLogin() decodes both: neither may look expired, or it signs the person out.
    expect(pumbleCliThinksExpired(tokens.body.token)).toBe(false);
    expect(pumbleCliThinksExpired(tokens.body.refreshToken)).toBe(false);

    // An exchange token works once.
    const again = await send<{ code: string }>(t.url, 'POST', `/workspaces/${selected.workspace.id}/exchange`, {
      body: { exchangeToken: selected.exchangeToken },
    });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_grant');
  });

  it('older pumble-cli versions activate without the lead id', async () => {
    const { items } = await leadLogin('bob@example.com', 'without-lead-id');
    expect(items[0].workspace.name).toBe('Demo');
  });

  it('a wrong code is refused, five wrong codes end the lead, and an unknown address gets the same answer but no mail', async () => {
    const sent = smtp.mails.length;
    const lead = await send<{ id: string }>(t.url, 'POST', '/lead', { body: { email: 'alice@example.com' } });
    const code = codeIn(await nextMail(sent));
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const refused = await send<{ code: string }>(t.url, 'POST', '/lead/activate', {
        body: { email: 'alice@example.com', code: wrong, leadId: lead.body.id },
      });
      expect(refused.status).toBe(400);
    }
    const late = await send(t.url, 'POST', '/lead/activate', { body: { email: 'alice@example.com', code, leadId: lead.body.id } });
    expect(late.status).toBe(400);
    expect((await send(t.url, 'POST', '/lead/login', { body: { leadId: lead.body.id } })).status).toBe(400);

    const stranger = await send<{ id: string }>(t.url, 'POST', '/lead', { body: { email: 'nobody@example.com' } });
    expect(stranger.status).toBe(200);
    expect(typeof stranger.body.id).toBe('string');
    // Mail goes out in the background: give a (wrongly) sent one time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.mails.length).toBe(sent + 1);
  });

  it('info, workspace user (no credentials: no e-mail), create/get/update/list apps, authorizations, grant, refresh', async () => {
    const { items } = await leadLogin('alice@example.com');
    const ws = items[0].workspace.id;
    const user = items[0].workspaceUser.id;
    const tokens = (
      await send<{ token: string; refreshToken: string }>(t.url, 'POST', `/workspaces/${ws}/exchange`, { body: { exchangeToken: items[0].exchangeToken } })
    ).body;

    // `pumble-cli info` sends these two without any credentials.
    expect(await send(t.url, 'GET', `/workspaces/${ws}/info`)).toEqual({ status: 200, body: { id: ws, name: 'Demo' } });
    expect(await send(t.url, 'GET', `/workspaces/${ws}/workspaceUsers/${user}`)).toEqual({ status: 200, body: { id: user, name: 'Alice', email: '' } });
    expect((await send(t.url, 'GET', `/workspaces/${ws}/workspaceUsers/${user}`, { authtoken: tokens.token })).body).toMatchObject({
      email: 'alice@example.com',
    });
    expect((await send(t.url, 'GET', `/workspaces/${ws}/workspaceUsers/000000000000000000000000`)).status).toBe(404);

    const base = `/workspaces/${ws}/workspaceUsers/${user}`;
    const host = 'https://standup.example.com';
    const created = await send<Record<string, unknown>>(t.url, 'POST', `${base}/apps`, { body: syncedManifest(host), authtoken: tokens.token });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'standup-bot', published: false });
    for (const key of ['id', 'appKey', 'clientSecret', 'signingSecret']) expect(typeof created.body[key]).toBe('string');
    const appId = created.body.id as string;

    // AppSync.manifestChanged reads these fields of the fetched app without null checks.
    const fetched = await send<Record<string, unknown>>(t.url, 'GET', `${base}/apps/mine/${appId}`, { authtoken: tokens.token });
    expect(fetched.status).toBe(200);
    for (const key of ['redirectUrls', 'dynamicMenus', 'slashCommands', 'shortcuts']) expect(Array.isArray(fetched.body[key])).toBe(true);
    expect(fetched.body.eventSubscriptions).toMatchObject({ events: ['NEW_MESSAGE', 'APP_UNINSTALLED'] });
    expect(fetched.body.scopes).toEqual({ botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read'] });

    const updated = await send<Record<string, unknown>>(t.url, 'PUT', `${base}/apps/${appId}`, {
      body: syncedManifest(host, { displayName: 'Standup Bot 2' }),
      authtoken: tokens.token,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.appKey).toBe(created.body.appKey);

    const list = await send<{ id: string; displayName: string }[]>(t.url, 'GET', `${base}/apps/mine`, { authtoken: tokens.token });
    expect(list.body.find((app) => app.id === appId)?.displayName).toBe('Standup Bot 2');
    expect(JSON.stringify(list.body)).not.toContain(created.body.clientSecret as string);

    expect(await send(t.url, 'GET', `${base}/apps/authorizations`, { authtoken: tokens.token })).toEqual({ status: 200, body: [] });
    const query = new URLSearchParams({
      clientId: appId,
      scopes: 'messages:read,bot:messages:read,bot:messages:write',
      redirectUrl: `${host}/redirect`,
      isReinstall: 'false',
    });
    const grant = await send<{ code: string; redirectUrl: string }>(t.url, 'GET', `${base}/oauth2/grant?${query}`, { authtoken: tokens.token });
    expect(grant.status).toBe(200);
    expect(grant.body.redirectUrl).toBe(`${host}/redirect?code=${grant.body.code}`);

    // The 401 interceptor and checkLogin() refresh this way; the pair rotates.
    const refreshed = await send<{ token: string; refreshToken: string }>(t.url, 'POST', `/workspaces/${ws}/refresh`, {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(pumbleCliThinksExpired(refreshed.body.refreshToken)).toBe(false);
    expect(refreshed.body.refreshToken).not.toBe(tokens.refreshToken);
    expect((await send(t.url, 'GET', `${base}/apps/mine`, { authtoken: refreshed.body.token })).status).toBe(200);
    expect((await send(t.url, 'GET', `${base}/apps/mine`)).status).toBe(401);
  });

  it('an address is sent at most 5 codes per 15 minutes (then 429 with Retry-After)', async () => {
    // A platform of its own: the per-client limit of /lead (10 a minute) must not interfere.
    const own = await startTestPlatform({ smtpUrl: smtp.url }, dialect);
    try {
      for (let i = 0; i < 5; i++) expect((await send(own.url, 'POST', '/lead', { body: { email: 'flood@example.com' } })).status).toBe(200);
      const response = await fetch(`${own.url}/lead`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'Flood@Example.com' }),
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('300');
    } finally {
      await own.stop();
    }
  });
});
