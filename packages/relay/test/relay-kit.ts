import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTBOUND_TOKEN_HEADER, PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER, signOutbound, signPumble } from '@switchboard/protocol';
import WebSocket from 'ws';
import { exchangeCode, grantCode, type RegisteredApp, registerApp, testManifest } from '../../platform/test/apps/oauth-dance.js';
import { login, type Session, startPlatform, type TestPlatform } from '../../platform/test/harness.js';
import { buildRelay, type Relay, type RelayOptions } from '../src/index.js';

export interface TestRelay {
  relay: Relay;
  url: string;
  dataDir: string;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** A real relay on loopback with a temp SQLite dir (or the given one), quiet logs. */
export async function startTestRelay(options: RelayOptions = {}): Promise<TestRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'relay-test-'));
  const relay = await buildRelay({ port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir, ...options });
  const url = await relay.listen();
  return {
    relay,
    url,
    dataDir,
    async stop({ keepData = false } = {}) {
      await relay.close();
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface PlatformApp {
  t: TestPlatform;
  alice: Session;
  app: RegisteredApp;
  /** A fresh app-identity JWT (PROTOCOL.md 4.3) from the real platform. */
  token(): Promise<string>;
}

/** A real platform with one app installed by alice, whose identity tokens the relay checks. */
export async function platformWithApp(manifest: Record<string, unknown> = {}, config: Record<string, unknown> = {}): Promise<PlatformApp> {
  const t = await startPlatform({ config });
  const alice = await login(t.url, 'alice@example.com');
  const app = await registerApp(t.url, alice, testManifest({ name: `relay_app_${Math.random().toString(36).slice(2, 8)}`, ...manifest }));
  const code = await grantCode(t.url, alice, app);
  const installed = await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
  if (installed.status !== 200) throw new Error(`install failed: ${JSON.stringify(installed.body)}`);
  return { t, alice, app, token: () => appToken(t.url, app) };
}

export async function appToken(platformUrl: string, app: RegisteredApp): Promise<string> {
  const response = await fetch(`${platformUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${app.id}:${app.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (response.status !== 200) throw new Error(`token failed ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A JSON call to the relay with a bearer token. */
export async function relayCall<T = unknown>(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export function pumbleHeaders(secret: string, body: string, timestamp = Date.now(), extra: Record<string, string> = {}): Record<string, string> {
  const ts = String(timestamp);
  return { 'content-type': 'application/json', [PUMBLE_TIMESTAMP_HEADER]: ts, [PUMBLE_SIGNATURE_HEADER]: signPumble(secret, ts, body), ...extra };
}

export function watsonHeaders(secret: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', [OUTBOUND_TOKEN_HEADER]: signOutbound(secret, body), ...extra };
}

/** POSTs a hook as the platform would. */
export async function postHook(url: string, appId: string, headers: Record<string, string>, body: string | Uint8Array): Promise<Response> {
  return fetch(`${url}/hook/${appId}`, { method: 'POST', headers, body: typeof body === 'string' ? body : Buffer.from(body) });
}

type Frame = { type: string; id?: string; [key: string]: unknown };

/** A hand-driven consumer: records every frame, acks only when told. */
export class TestConsumer {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  closeCode: number | undefined;
  private readonly opened: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(url: string, appId: string, token: string | undefined, options: { autoPong?: boolean } = {}) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/webhooks/${appId}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      autoPong: options.autoPong ?? true,
    });
    this.ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.ws.on('close', (code) => {
      this.closeCode = code;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  open(): Promise<void> {
    return this.opened;
  }

  events(): Frame[] {
    return this.frames.filter((f) => f.type === 'event');
  }

  ack(id: string): void {
    this.ws.send(JSON.stringify({ type: 'event_ack', id }));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async waitFor(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames).slice(0, 800)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
