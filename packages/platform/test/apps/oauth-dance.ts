import { call, type Session } from '../harness.js';

export const REDIRECT = 'https://app.example.com/oauth/redirect';

export function testManifest(overrides: Record<string, unknown> = {}) {
  return {
    name: 'echo_bot',
    displayName: 'Echo Bot',
    bot: true,
    botTitle: 'Repeats things',
    scopes: { botScopes: ['messages:read', 'messages:write', 'channels:list', 'user:read'], userScopes: ['messages:read', 'messages:write', 'user:read'] },
    shortcuts: [],
    slashCommands: [{ command: '/echo', url: 'https://app.example.com/slash', description: 'Echo' }],
    eventSubscriptions: { url: 'https://app.example.com/events', events: ['NEW_MESSAGE', 'APP_UNINSTALLED', 'APP_UNAUTHORIZED'] },
    redirectUrls: [REDIRECT],
    welcomeMessage: 'Hello :wave:',
    ...overrides,
  };
}

export interface RegisteredApp {
  id: string;
  clientSecret: string;
  appKey: string;
  signingSecret: string;
}

export async function registerApp(url: string, owner: Session, manifest = testManifest()): Promise<RegisteredApp> {
  const res = await call<RegisteredApp>(url, owner.token, 'POST', `/workspaces/${owner.workspaceId}/workspaceUsers/${owner.workspaceUserId}/apps`, manifest);
  if (res.status !== 200) throw new Error(`register failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const allScopes = 'messages:read,messages:write,user:read,bot:messages:read,bot:messages:write,bot:channels:list,bot:user:read';

/** Consent through the real HTML page: GET the form, POST Allow; returns the 302 Location. */
export async function consentViaPage(url: string, person: Session, query: Record<string, string>, decision: 'allow' | 'cancel' = 'allow'): Promise<Response> {
  const qs = new URLSearchParams(query).toString();
  const pageResponse = await fetch(`${url}/access-request?${qs}`, { headers: { cookie: person.cookie }, redirect: 'manual' });
  const html = await pageResponse.text();
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.set(match[1], decodeEntities(match[2]));
  const selected = /<option value="([^"]+)" selected>/.exec(html)?.[1] ?? person.workspaceId;
  fields.set('workspaceId', selected);
  fields.set('decision', decision);
  return fetch(`${url}/access-request`, {
    method: 'POST',
    headers: { cookie: person.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** `POST /oauth2/access` as multipart/form-data, like the Pumble SDK and curl --form. */
export async function exchangeCode(url: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await fetch(`${url}/oauth2/access`, { method: 'POST', body: form });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** CLI-style consent (`oauth2/grant`): returns the code. */
export async function grantCode(url: string, person: Session, app: RegisteredApp, extra: Record<string, string> = {}): Promise<string> {
  const qs = new URLSearchParams({ clientId: app.id, scopes: allScopes, redirectUrl: REDIRECT, ...extra }).toString();
  const res = await call<{ code: string }>(
    url,
    person.token,
    'GET',
    `/workspaces/${person.workspaceId}/workspaceUsers/${person.workspaceUserId}/oauth2/grant?${qs}`,
  );
  if (res.status !== 200) throw new Error(`grant failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.code;
}

/** An App API call with Pumble token headers. */
export async function appCall<T = unknown>(
  url: string,
  token: string,
  appKey: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { token, 'x-app-token': appKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
