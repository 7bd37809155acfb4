/**
 * socket: socket mode (PROTOCOL.md 7) over ONE app connection, the app a raw `ws` client that
 * acks every event as our SDK does (binary `{correlation_id, status: 200}`, `acks=events`).
 * 1. events/s: a backlog of NEW_MESSAGE events is posted while the app is disconnected (spread
 *    over BENCH_SOCKET_CHANNELS channels: the outbox keeps each channel in order, one event in
 *    flight per channel), then the app connects; throughput = events / (connect -> last receipt).
 *    Latencies are connect -> receipt of each event (how long the backlog took to reach it).
 * 2. trigger round trip: a person posts `/benchsock` -> the app answers over the socket -> the
 *    ephemeral reply arrives on the person's /v1/realtime; one at a time.
 */
import { Pool } from 'undici';
import WebSocket from 'ws';
import { type Login, registerAndInstall } from './lib/delivery-setup.js';
import { json } from './lib/json-request.js';
import { type BenchPlatform, DEMO_PASSWORD, type DialectName, postgresUnreachable, startBenchPlatform, withServerCpu } from './lib/platform.js';
import { slashRoundTrip } from './lib/slash-round-trip.js';
import { latencyResult } from './lib/stats.js';
import type { Scenario } from './run.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const EVENTS = Number(process.env.BENCH_SOCKET_EVENTS ?? Math.max(10_000, 4_000 * SECONDS));
const WARMUP_EVENTS = Number(process.env.BENCH_SOCKET_WARMUP_EVENTS ?? 2_000);
const CHANNELS = Number(process.env.BENCH_SOCKET_CHANNELS ?? 16);
const POSTERS = 32;
const TRIGGER_ROUNDS = Number(process.env.BENCH_SLASH_ROUNDS ?? 500);
const DRAIN_TIMEOUT_MS = 120_000;
const MIN_EVENTS_PER_S = 20_000;
const TRIGGER_MAX_P99_MS = 10;

export const description = `socket mode over one connection: acked events/s draining a backlog over ${CHANNELS} channels; slash-command round trip (person -> app over the socket -> ephemeral)`;

/** Registers a socket-mode app subscribed to NEW_MESSAGE and owning /benchsock, installs it; returns id and appKey. */
async function installSocketApp(url: string, login: Login): Promise<{ id: string; appKey: string }> {
  const app = await registerAndInstall(url, login, {
    name: 'bench_socket',
    displayName: 'Bench socket',
    command: '/benchsock',
    base: 'https://unused.example',
    socketMode: true,
  });
  return { id: app.id, appKey: app.appKey };
}

/**
 * The app: one connection, acks every event frame at once, answers slash commands with a
 * message. Records the receipt time of each NEW_MESSAGE.
 */
class SocketApp {
  readonly receipts: number[] = [];
  private readonly ws: WebSocket;

  private constructor(wsUrl: string) {
    this.ws = new WebSocket(`${wsUrl}&acks=events`);
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = JSON.parse(data.toString()) as { correlation_id?: string; payload?: { messageType?: string; text?: string } };
      if (typeof frame.correlation_id !== 'string') return;
      const reply: Record<string, unknown> = { correlation_id: frame.correlation_id, status: 200 };
      if (frame.payload?.messageType === 'SLASH_COMMAND') reply.message = `ok ${frame.payload.text}`;
      else this.receipts.push(performance.now());
      this.ws.send(Buffer.from(JSON.stringify(reply)), { binary: true });
    });
  }

  static async connect(url: string, app: { id: string; appKey: string }): Promise<SocketApp> {
    const { url: wsUrl } = await json<{ url: string }>(`${url}/apps/${app.id}/websocket-connection?appKey=${encodeURIComponent(app.appKey)}`, {});
    const client = new SocketApp(wsUrl);
    await new Promise<void>((resolve, reject) => {
      client.ws.once('open', () => resolve());
      client.ws.once('error', reject);
    });
    return client;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** Posts `count` messages over the channels with POSTERS concurrent clients. */
async function postBacklog(url: string, token: string, channels: string[], count: number): Promise<number> {
  const pool = new Pool(url, { connections: POSTERS, pipelining: 1, keepAliveTimeout: 60_000 });
  const headers = { authtoken: token, 'content-type': 'application/json' };
  let next = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: POSTERS }, async () => {
      while (next < count) {
        const n = next++;
        const response = await pool.request({
          method: 'POST',
          path: `/v1/channels/${channels[n % channels.length]}/messages`,
          headers,
          body: JSON.stringify({ text: `backlog ${n}` }),
        });
        await response.body.text();
        if (response.statusCode !== 201) errors += 1;
      }
    }),
  );
  await pool.close();
  return errors;
}

/** Connects the app to a waiting backlog of `count` events and times the drain. */
async function drain(url: string, app: { id: string; appKey: string }, count: number) {
  // Events flow from the connect on, so the clock starts before the ticket request.
  const started = performance.now();
  const client = await SocketApp.connect(url, app);
  const deadline = started + DRAIN_TIMEOUT_MS;
  while (client.receipts.length < count && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await client.close();
  return { started, receipts: client.receipts };
}

async function eventsScenario(
  platform: BenchPlatform,
  login: Login,
  app: { id: string; appKey: string },
  channels: string[],
  label: string,
): Promise<Scenario> {
  // Warm-up: JIT, statement caches, the dispatcher's first claims.
  const { url } = platform;
  await postBacklog(url, login.token, channels, WARMUP_EVENTS);
  await drain(url, app, WARMUP_EVENTS);
  const postErrors = await postBacklog(url, login.token, channels, EVENTS);
  const { value, serverCpuPercent } = await withServerCpu(platform, () => drain(url, app, EVENTS - postErrors));
  const { started, receipts } = value;
  const durationMs = (receipts.at(-1) ?? performance.now()) - started;
  const missing = Math.max(0, EVENTS - postErrors - receipts.length);
  const problem = missing > 0 ? `${missing} events missing after ${DRAIN_TIMEOUT_MS} ms` : postErrors > 0 ? `${postErrors} posts failed` : undefined;
  return {
    variant: `${label} events, 1 socket, ${channels.length} channels`,
    connections: 1,
    targets: { minThroughput: MIN_EVENTS_PER_S },
    serverCpuPercent,
    result: latencyResult(
      receipts.map((at) => at - started),
      postErrors + missing,
      durationMs,
      problem,
    ),
  };
}

async function triggerScenario(url: string, login: Login, app: { id: string; appKey: string }, channelId: string, label: string): Promise<Scenario> {
  const client = await SocketApp.connect(url, app);
  try {
    return await slashRoundTrip(url, login, channelId, {
      rounds: TRIGGER_ROUNDS,
      maxP99Ms: TRIGGER_MAX_P99_MS,
      variant: `${label} slash round trip`,
      command: '/benchsock',
    });
  } finally {
    await client.close();
  }
}

async function runOn(dialect: DialectName): Promise<Scenario[]> {
  const platform = await startBenchPlatform(dialect);
  try {
    const login = await json<Login>(`${platform.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }),
    });
    const app = await installSocketApp(platform.url, login);
    const headers = { authtoken: login.token, 'content-type': 'application/json' };
    const channels: string[] = [];
    for (let i = 0; i < CHANNELS; i += 1) {
      const created = await json<{ id?: string; channel?: { id: string } }>(
        `${platform.url}/v1/channels`,
        { method: 'POST', headers, body: JSON.stringify({ name: `bench-socket-${i}`, type: 'PUBLIC', description: 'bench' }) },
        201,
      );
      channels.push(created.channel?.id ?? created.id ?? '');
    }
    const events = await eventsScenario(platform, login, app, channels, dialect);
    const trigger = await triggerScenario(platform.url, login, app, channels[0], dialect);
    return [events, trigger];
  } finally {
    await platform.stop();
  }
}

/** BENCH_DB=sqlite (or postgres) runs one store only. */
export async function run(): Promise<Scenario[]> {
  const only = process.env.BENCH_DB;
  const scenarios: Scenario[] = [];
  if (only !== 'postgres') scenarios.push(...(await runOn('sqlite')));
  if (only !== 'sqlite') {
    const unreachable = await postgresUnreachable();
    if (unreachable) {
      console.warn(`[bench socket] PostgreSQL unreachable (${unreachable}): the postgres runs are SKIPPED.`);
      scenarios.push({ variant: 'postgres', connections: 1, targets: {}, skipped: unreachable });
    } else scenarios.push(...(await runOn('postgres')));
  }
  return scenarios;
}
