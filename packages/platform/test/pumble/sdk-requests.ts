import { SCOPES } from '@switchboard/protocol';
import type { z } from 'zod';
import { exchangeCode, grantCode, REDIRECT, type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, login, type Session, type TestPlatform } from '../harness.js';

/**
 * Requests built the way the Pumble SDK's ApiClient (axios) builds them: JSON content type on
 * every request (bodiless DELETEs included), `token` + `x-app-token`, query params without the
 * undefined ones, the body as JSON only when the call has data.
 */
export interface SdkRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  params?: Record<string, string | number | undefined | null>;
  data?: unknown;
}

export interface SdkAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export async function sdkCall<T = unknown>(url: string, token: string, appKey: string, request: SdkRequest): Promise<SdkAnswer<T>> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(request.params ?? {})) if (value !== undefined && value !== null) query.set(key, String(value));
  const qs = query.toString();
  const res = await fetch(`${url}${request.path}${qs ? `?${qs}` : ''}`, {
    method: request.method,
    headers: { 'content-type': 'application/json', token, 'x-app-token': appKey },
    body: request.data === undefined ? undefined : JSON.stringify(request.data),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body: body as T, text };
}

/** Parses with a schema and fails the test with the zod issues when the shape differs. */
export function assertShape<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${what}: answer does not match the SDK's type: ${JSON.stringify(parsed.error.issues)}\n${JSON.stringify(value)}`);
  return parsed.data;
}

/** Every scope an app can ask for: the conformance apps hold them all. */
export const ALL_SCOPES: string[] = [...SCOPES];

export interface InstalledApp {
  app: RegisteredApp;
  botToken: string;
  botId: string;
  userToken: string;
}

/** Registers an app with these scopes (bot and user) and installs it as `owner`. */
export async function installApp(t: TestPlatform, owner: Session, name: string, scopes: string[], extra: Record<string, unknown> = {}): Promise<InstalledApp> {
  const app = await registerApp(
    t.url,
    owner,
    testManifest({ name, displayName: name, scopes: { botScopes: scopes, userScopes: scopes }, slashCommands: [], ...extra }),
  );
  const code = await grantCode(t.url, owner, app, { scopes: [...scopes, ...scopes.map((s) => `bot:${s}`)].join(','), redirectUrl: REDIRECT });
  const tokens = await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
  if (tokens.status !== 200) throw new Error(`exchange failed ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return { app, botToken: tokens.body.botToken, botId: tokens.body.botId, userToken: tokens.body.accessToken };
}

export interface Workspace {
  alice: Session;
  bob: Session;
  general: string;
}

export async function demoWorkspace(t: TestPlatform): Promise<Workspace> {
  const alice = await login(t.url, 'alice@example.com');
  const bob = await login(t.url, 'bob@example.com');
  const channels = await call<{ channel: { id: string; name: string } }[]>(t.url, alice.token, 'GET', '/v1/channels');
  const general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
  return { alice, bob, general };
}

/** A channel created by `owner` (a person) with these members. */
export async function createChannel(t: TestPlatform, owner: Session, name: string, type: 'PUBLIC' | 'PRIVATE', userIds: string[] = []): Promise<string> {
  const res = await call<{ channel: { id: string } }>(t.url, owner.token, 'POST', '/v1/channels', { name, type, userIds });
  if (res.status !== 201) throw new Error(`channel failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.channel.id;
}
