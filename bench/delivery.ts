/**
 * delivery: events delivered per second from a post to local receiving apps that verify every
 * signature (loopback HTTP servers in this process), with 1 and 4 apps subscribed to NEW_MESSAGE,
 * on SQLite and PostgreSQL. Apps are registered, installed (OAuth grant) and subscribed through the
 * real API. Latency is receipt time minus the post's send time, matched by the message id (`mId`)
 * in the event body. Two loads per configuration: as fast as 32 posting clients go (deliveries/s),
 * and an open loop of 1 000 posts/s (post->receipt p50/p99). Then the slash-command round trip:
 * post `/bench` -> app acks with a message -> the ephemeral frame arrives on /v1/realtime.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyPumble } from '@switchboard/protocol';
import { Pool, request } from 'undici';
import WebSocket from 'ws';
import { DEMO_PASSWORD, type DialectName, postgresUnreachable, startBenchPlatform } from './lib/platform.js';
import { round2, summarize } from './lib/stats.js';
import type { Scenario } from './run.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const PACED_RATE = 1_000;
const DRAIN_TIMEOUT_MS = 60_000;
const SLASH_ROUNDS = Number(process.env.BENCH_SLASH_ROUNDS ?? 500);
const SQLITE_MIN_DELIVERIES_PER_S = 10_000;
const PACED_MAX_P99_MS = 10;
const SLASH_MAX_P99_MS = 15;

export const description = 'NEW_MESSAGE deliveries/s and post->receipt latency to 1 and 4 signature-verifying loopback apps; slash-command round trip';

async function json<T>(url: string, init: Parameters<typeof request>[1], expect = 200): Promise<T> {
  const response = await request(url, init);
  const text = await response.body.text();
  if (response.statusCode !== expect) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.statusCode} ${text}`);
  return JSON.parse(text) as T;
}

/** Receipt bookkeeping shared by every receiving app: first receipt time per message id, counts. */
class Receipts {
  /** mId -> receipt times (one per app that got it). */
  readonly byMessage = new Map<string, number[]>();
  deliveries = 0;
  rejected = 0;
  slashAnswer: (() => void) | undefined;
  private waiters: (() => void)[] = [];

  record(messageId: string, at: number): void {
    this.deliveries += 1;
    const times = this.byMessage.get(messageId);
    if (times) times.push(at);
    else this.byMessage.set(messageId, [at]);
    if (this.waiters.length > 0) for (const waiter of this.waiters.splice(0)) waiter();
  }

  reset(): void {
    this.byMessage.clear();
    this.deliveries = 0;
    this.rejected = 0;
  }

  /** Resolves once `count` deliveries have arrived, or after the timeout. */
  async waitFor(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.deliveries < count && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

/** One receiving app: verifies the Pumble signature of every request; events are recorded, slash commands acked. */
class BenchApp {
  signingSecret = '';
  private server: Server | undefined;

  constructor(private readonly receipts: Receipts) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      const raw = Buffer.concat(chunks);
      const check = verifyPumble({
        secrets: [this.signingSecret],
        timestamp: req.headers['x-pumble-request-timestamp'] as string,
        signature: req.headers['x-pumble-request-signature'] as string,
        rawBody: raw,
      });
      if (!check.ok) {
        this.receipts.rejected += 1;
        res.writeHead(403).end();
        return;
      }
      const payload = JSON.parse(raw.toString()) as { messageType: string; body?: string; text?: string };
      if (payload.messageType === 'SLASH_COMMAND') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `ack ${payload.text}` }));
        return;
      }
      res.writeHead(200).end();
      if (payload.messageType === 'PUMBLE_EVENT' && payload.body) {
        const body = JSON.parse(payload.body) as { mId?: string };
        if (body.mId) this.receipts.record(body.mId, at);
      }
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server ? this.server.close(() => resolve()) : resolve();
    });
  }
}

interface Login {
  token: string;
  workspaceId: string;
  workspaceUserId: string;
}

/** Registers an app subscribed to NEW_MESSAGE (and owning /bench<i>), installs it with its bot; returns its signing secret. */
async function installApp(url: string, login: Login, index: number, base: string): Promise<string> {
  const prefix = `${url}/workspaces/${login.workspaceId}/workspaceUsers/${login.workspaceUserId}`;
  const redirect = 'https://bench.example.com/redirect';
  const manifest = {
    name: `bench_delivery_${index}`,
    displayName: `Bench delivery ${index}`,
    bot: true,
    scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read'] },
    shortcuts: [],
    slashCommands: [{ command: `/bench${index}`, url: `${base}/slash`, description: 'bench' }],
    eventSubscriptions: { url: `${base}/events`, events: ['NEW_MESSAGE'] },
    redirectUrls: [redirect],
    welcomeMessage: null,
  };
  const app = await json<{ id: string; clientSecret: string; signingSecret: string }>(`${prefix}/apps`, {
    method: 'POST',
    headers: { authtoken: login.token, 'content-type': 'application/json' },
    body: JSON.stringify(manifest),
  });
  const scopes = 'messages:read,bot:messages:read,bot:messages:write';
  const grant = await json<{ code: string }>(`${prefix}/oauth2/grant?${new URLSearchParams({ clientId: app.id, scopes, redirectUrl: redirect })}`, {
    headers: { authtoken: login.token },
  });
  await json(`${url}/oauth2/access`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ 'client-id': app.id, 'client-secret': app.clientSecret, code: grant.code }).toString(),
  });
  return app.signingSecret;
}

interface PostLog {
  /** message id -> send time (performance.now()). */
  sentAt: Map<string, number>;
  errors: number;
  firstError?: string;
  start: number;
  end: number;
}

/**
 * Posts to #general: `rate` undefined = closed loop of CONNECTIONS clients as fast as they go;
 * else an open loop at `rate` posts/s (latency then is not hidden by the generator's own queue).
 */
async function postFor(url: string, token: string, channelId: string, durationMs: number, rate?: number): Promise<PostLog> {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 60_000 });
  const log: PostLog = { sentAt: new Map(), errors: 0, start: performance.now(), end: 0 };
  const headers = { authtoken: token, 'content-type': 'application/json' };
  const path = `/v1/channels/${channelId}/messages`;
  let n = 0;
  const postOne = async () => {
    const t0 = performance.now();
    try {
      const response = await pool.request({ origin: url, method: 'POST', path, headers, body: `{"text":"delivery bench ${n++}"}` });
      const text = await response.body.text();
      if (response.statusCode !== 201) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
      log.sentAt.set((JSON.parse(text) as { id: string }).id, t0);
    } catch (error) {
      log.errors += 1;
      log.firstError ??= String(error);
    }
  };
  const stopAt = log.start + durationMs;
  if (rate === undefined) {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < stopAt) await postOne();
      }),
    );
  } else {
    const pending = new Set<Promise<void>>();
    const interval = 1000 / rate;
    let next = log.start;
    while (next < stopAt) {
      const now = performance.now();
      // Catch up in a burst after a late timer, so the offered rate stays `rate` on average.
      while (next <= now && next < stopAt) {
        const p: Promise<void> = postOne().finally(() => pending.delete(p));
        pending.add(p);
        next += interval;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
    await Promise.all([...pending]);
  }
  log.end = performance.now();
  await pool.close();
  return log;
}

/** Latencies (receipt - send) and the window's deliveries/s: deliveries of the posts in the log over first send -> last receipt. */
function measure(log: PostLog, receipts: Receipts, apps: number, connections: number, targets: Scenario['targets'], variant: string): Scenario {
  const latencies: number[] = [];
  let lastReceipt = log.end;
  let missing = 0;
  for (const [id, sentAt] of log.sentAt) {
    const times = receipts.byMessage.get(id) ?? [];
    missing += Math.max(0, apps - times.length);
    for (const at of times) {
      latencies.push(at - sentAt);
      if (at > lastReceipt) lastReceipt = at;
    }
  }
  const summary = summarize(latencies);
  const durationMs = lastReceipt - log.start;
  const errors = log.errors + missing + receipts.rejected;
  return {
    variant,
    connections,
    targets,
    result: {
      requests: latencies.length + errors,
      errors,
      durationMs: round2(durationMs),
      throughput: round2((latencies.length * 1000) / durationMs),
      p50: round2(summary.p50),
      p90: round2(summary.p90),
      p99: round2(summary.p99),
      max: round2(summary.max),
      mean: round2(summary.mean),
      clientCpuPercent: 0,
      ...(log.firstError ? { firstError: log.firstError } : missing > 0 ? { firstError: `${missing} deliveries missing after ${DRAIN_TIMEOUT_MS} ms` } : {}),
    },
  };
}

async function slashRoundTrip(url: string, login: Login, channelId: string, variant: string): Promise<Scenario> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/realtime`, { headers: { authtoken: login.token } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let seen: (() => void) | undefined;
  ws.on('message', (data) => {
    if ((JSON.parse(data.toString()) as { type: string }).type === 'message.ephemeral') seen?.();
  });
  const pool = new Pool(url, { connections: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  for (let round = 0; round < SLASH_ROUNDS + 50; round += 1) {
    const t0 = performance.now();
    const ephemeral = new Promise<void>((resolve) => {
      seen = resolve;
    });
    const response = await pool.request({
      origin: url,
      method: 'POST',
      path: `/v1/channels/${channelId}/messages`,
      headers: { authtoken: login.token, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `/bench0 round ${round}` }),
    });
    const text = await response.body.text();
    const outcome = (JSON.parse(text) as { outcome?: string }).outcome;
    if (outcome !== 'acked') {
      errors += 1;
      firstError ??= `HTTP ${response.statusCode}: ${text.slice(0, 200)}`;
      continue;
    }
    const timedOut = await Promise.race([ephemeral.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5000))]);
    // The first 50 rounds warm up the JIT, the keep-alive sockets and the caches.
    if (timedOut) errors += 1;
    else if (round >= 50) latencies.push(performance.now() - t0);
  }
  const durationMs = performance.now() - start;
  ws.close();
  await pool.close();
  const summary = summarize(latencies);
  return {
    variant,
    connections: 1,
    targets: { maxP99Ms: SLASH_MAX_P99_MS },
    result: {
      requests: latencies.length + errors,
      errors,
      durationMs: round2(durationMs),
      throughput: round2((latencies.length * 1000) / durationMs),
      p50: round2(summary.p50),
      p90: round2(summary.p90),
      p99: round2(summary.p99),
      max: round2(summary.max),
      mean: round2(summary.mean),
      clientCpuPercent: 0,
      ...(firstError ? { firstError } : {}),
    },
  };
}

async function runOn(dialect: DialectName, apps: number, withSlash: boolean): Promise<Scenario[]> {
  const platform = await startBenchPlatform(dialect);
  const receipts = new Receipts();
  const receivers = Array.from({ length: apps }, () => new BenchApp(receipts));
  try {
    const login = await json<Login>(`${platform.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }),
    });
    for (const [index, receiver] of receivers.entries()) receiver.signingSecret = await installApp(platform.url, login, index, await receiver.start());
    const channels = await json<{ channel: { id: string; name: string } }[]>(`${platform.url}/v1/channels`, { headers: { authtoken: login.token } });
    const general = channels.find((entry) => entry.channel.name === 'general')?.channel.id;
    if (!general) throw new Error('the demo workspace has no #general');

    const label = `${dialect} ${apps} app${apps > 1 ? 's' : ''}`;
    const scenarios: Scenario[] = [];
    const phase = async (rate: number | undefined, variant: string, targets: Scenario['targets'], connections: number) => {
      // Warm-up: its deliveries are drained and forgotten before the measured window.
      const warm = await postFor(platform.url, login.token, general, WARMUP_SECONDS * 1000, rate);
      await receipts.waitFor(warm.sentAt.size * apps, DRAIN_TIMEOUT_MS);
      receipts.reset();
      const cpuBefore = platform.cpuMs();
      const ownCpuBefore = process.cpuUsage();
      const log = await postFor(platform.url, login.token, general, SECONDS * 1000, rate);
      await receipts.waitFor(log.sentAt.size * apps, DRAIN_TIMEOUT_MS);
      const cpuAfter = platform.cpuMs();
      const ownCpu = process.cpuUsage(ownCpuBefore);
      const scenario = measure(log, receipts, apps, connections, targets, variant);
      // This process is the load generator and the receiving apps together.
      if (scenario.result) scenario.result.clientCpuPercent = Math.round((ownCpu.user + ownCpu.system) / 10 / scenario.result.durationMs);
      if (cpuBefore !== undefined && cpuAfter !== undefined && scenario.result)
        scenario.serverCpuPercent = Math.round((100 * (cpuAfter - cpuBefore)) / scenario.result.durationMs);
      receipts.reset();
      scenarios.push(scenario);
    };
    await phase(undefined, `${label} max`, dialect === 'sqlite' && apps === 4 ? { minThroughput: SQLITE_MIN_DELIVERIES_PER_S } : {}, CONNECTIONS);
    await phase(PACED_RATE, `${label} @${PACED_RATE} posts/s`, { maxP99Ms: PACED_MAX_P99_MS }, 0);
    if (withSlash) scenarios.push(await slashRoundTrip(platform.url, login, general, `${dialect} slash round trip`));
    return scenarios;
  } finally {
    await platform.stop();
    await Promise.all(receivers.map((receiver) => receiver.stop()));
  }
}

/** BENCH_DB=sqlite (or postgres) runs one store only; BENCH_APPS=4 one app count only. */
const ONLY = process.env.BENCH_DB;
const APP_COUNTS = process.env.BENCH_APPS ? [Number(process.env.BENCH_APPS)] : [1, 4];

export async function run(): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  const dialects: DialectName[] = [];
  if (ONLY !== 'postgres') dialects.push('sqlite');
  if (ONLY !== 'sqlite') {
    const unreachable = await postgresUnreachable();
    if (unreachable) {
      console.warn(`[bench delivery] PostgreSQL unreachable (${unreachable}): the postgres runs are SKIPPED.`);
      scenarios.push({ variant: 'postgres', connections: CONNECTIONS, targets: {}, skipped: unreachable });
    } else dialects.push('postgres');
  }
  for (const dialect of dialects) {
    for (const [index, apps] of APP_COUNTS.entries()) scenarios.push(...(await runOn(dialect, apps, index === 0)));
  }
  return scenarios;
}
