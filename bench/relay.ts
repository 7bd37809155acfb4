/**
 * relay: the webhook relay's whole path — a signed hook POSTed to /hook/:appId, committed, handed
 * to a WebSocket consumer (a raw `ws` client in this process that acks every event at once), acked.
 * 1. ceiling: the same generator (closed loop, 32 keep-alive connections, a signed body per
 *    request) against a bare node:http endpoint that answers 201 without storing: what this
 *    machine can do at all, measured in the same run.
 * 2. relay throughput on SQLite and PostgreSQL: req/s is the SUSTAINED rate, events acked by the
 *    consumer over the time from the first request to the last receipt (a relay that stores fast but
 *    hands out slowly gets no credit); latencies are the ingest requests'. Target on SQLite:
 *    >= 0.5 x the ceiling.
 * 2b. the same load on SQLite with no consumer (ingest only): what handing out and acking cost.
 * 3. ingest -> consumer latency at 1 000 events/s (open loop, paced): from just before each POST to
 *    its frame's arrival at the consumer. Target p99 <= 10 ms.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchWritesPerTick } from '@switchboard/protocol';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { runLoad } from './lib/load.js';
import { type DialectName, POSTGRES_URL, postgresUnreachable } from './lib/platform.js';
import { latencyResult } from './lib/stats.js';
import { type BenchChild, startChild } from './relay/children.js';
import type { Scenario } from './run.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2) * 1000;
const CONNECTIONS = 32;
const PACED_RATE = 1_000;
const PACED_SECONDS = Number(process.env.BENCH_RELAY_PACED_SECONDS ?? Math.min(SECONDS, 10));
const MAX_P99_MS = 10;
const APP = 'bench-relay-app';
const SECRET = 'bench-relay-secret';

export const description =
  'webhook relay: signed hook -> committed -> WebSocket consumer -> ack (sustained), SQLite and PostgreSQL, next to a bare node:http ceiling; ingest->consumer latency at 1 000 events/s';

/** The generator's request: the same for the ceiling and the relay (a fresh signed body each time). */
function hook(n: number) {
  const body = `{"type":"message-created","messageId":"m${n}","content":"bench ${n}","n":${n}}`;
  return {
    method: 'POST' as const,
    path: `/hook/${APP}`,
    headers: { 'content-type': 'application/json', 'x-outbound-token': createHmac('sha256', SECRET).update(body).digest('hex') },
    body,
  };
}

/**
 * The consumer: acks every event at once and notes when each event number arrived. Like the SDK's
 * relay receiver, it sends the acks of one tick in one socket write (each still its own frame).
 */
class Consumer {
  readonly arrivals = new Map<number, number>();
  lastArrival = 0;
  private readonly ws: WebSocket;
  private beforeWrite: () => void = () => {};

  constructor(url: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/webhooks/${APP}`);
    this.ws.once('upgrade', (response) => {
      this.beforeWrite = batchWritesPerTick(response.socket);
    });
    this.ws.on('message', (data) => {
      const now = performance.now();
      const frame = JSON.parse(String(data)) as { type: string; id: string; data: { n: number } };
      if (frame.type !== 'event') return;
      this.beforeWrite();
      this.ws.send(`{"type":"event_ack","id":"${frame.id}"}`);
      this.arrivals.set(frame.data.n, now);
      this.lastArrival = now;
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  async waitFor(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.arrivals.size < count && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  close(): void {
    this.ws.close();
  }
}

async function startRelay(dialect: DialectName): Promise<{ relay: BenchChild; cleanup: () => void }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const env: Record<string, string> = { BENCH_DATA_DIR: dataDir };
  if (dialect === 'postgres') Object.assign(env, { BENCH_PG_URL: POSTGRES_URL, BENCH_PG_SCHEMA: `relay_bench_${process.pid}_${Date.now().toString(36)}` });
  const relay = await startChild('relay-child.ts', env);
  const registered = await fetch(`${relay.url}/webhooks/${APP}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret: SECRET }),
  });
  if (registered.status !== 201) throw new Error(`relay registration failed: ${registered.status}`);
  return { relay, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

function cpuPercent(child: BenchChild, cpuBefore: number | undefined, startedAt: number): number | undefined {
  const after = child.cpuMs();
  return cpuBefore !== undefined && after !== undefined ? Math.round((100 * (after - cpuBefore)) / (performance.now() - startedAt)) : undefined;
}

/** The generator's closed loop against `child`, with the child's CPU over the run; no consumer. */
async function closedLoop(child: BenchChild, variant: string): Promise<Scenario> {
  const cpuBefore = child.cpuMs();
  const startedAt = performance.now();
  const result = await runLoad({ url: child.url, connections: CONNECTIONS, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, expectStatus: 201, request: hook });
  return { variant, connections: CONNECTIONS, targets: {}, result, serverCpuPercent: cpuPercent(child, cpuBefore, startedAt) };
}

async function ceiling(): Promise<Scenario> {
  const child = await startChild('ceiling-child.ts', {});
  try {
    return await closedLoop(child, 'node:http ceiling');
  } finally {
    await child.stop();
  }
}

async function throughput(dialect: DialectName, ceilingPerSecond: number | undefined): Promise<Scenario> {
  const variant = `relay ${dialect}`;
  const targets = dialect === 'sqlite' && ceilingPerSecond ? { minThroughput: Math.round(ceilingPerSecond / 2) } : {};
  const { relay, cleanup } = await startRelay(dialect);
  const consumer = new Consumer(relay.url);
  try {
    await consumer.opened();
    const cpuBefore = relay.cpuMs();
    const startedAt = performance.now();
    let sent = 0;
    const result = await runLoad({
      url: relay.url,
      connections: CONNECTIONS,
      warmupMs: WARMUP_MS,
      durationMs: SECONDS * 1000,
      expectStatus: 201,
      request: (n) => {
        sent = n + 1;
        return hook(n);
      },
    });
    const serverCpuPercent = cpuPercent(relay, cpuBefore, startedAt);
    // Every request of the run, warm-up included, must reach the consumer.
    await consumer.waitFor(sent - result.errors, 60_000);
    const delivered = consumer.arrivals.size;
    const sustained = Math.round((delivered * 1000) / (consumer.lastArrival - startedAt));
    console.log(
      `[bench relay/${dialect}] ingested ${Math.round(result.throughput)}/s in the measured window; ${delivered} events acked, sustained ${sustained}/s`,
    );
    return { variant, connections: CONNECTIONS, targets, result: { ...result, throughput: Math.min(result.throughput, sustained) }, serverCpuPercent };
  } finally {
    consumer.close();
    await relay.stop();
    cleanup();
  }
}

/**
 * Where the time goes: the same load with no consumer connected, so events are only verified and
 * committed (req/s is the ingest rate). Not a target; it shows what handing out and acking cost.
 */
async function ingestOnly(dialect: DialectName): Promise<Scenario> {
  const { relay, cleanup } = await startRelay(dialect);
  try {
    return await closedLoop(relay, `relay ${dialect} ingest only`);
  } finally {
    await relay.stop();
    cleanup();
  }
}

async function paced(dialect: DialectName): Promise<Scenario> {
  const { relay, cleanup } = await startRelay(dialect);
  const consumer = new Consumer(relay.url);
  const pool = new Pool(relay.url, { connections: 64, pipelining: 1, keepAliveTimeout: 60_000 });
  const sentAt = new Map<number, number>();
  let errors = 0;
  let firstError: string | undefined;
  try {
    await consumer.opened();
    const total = PACED_RATE * (PACED_SECONDS + WARMUP_MS / 1000);
    const warmup = (PACED_RATE * WARMUP_MS) / 1000;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    let n = 0;
    // Open loop: every tick sends what the schedule says is due, whatever the relay's speed.
    while (n < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) * PACED_RATE) / 1000));
      for (; n < due; n += 1) {
        const spec = hook(n);
        sentAt.set(n, performance.now());
        inFlight.push(
          pool
            .request(spec)
            .then(async (response) => {
              await response.body.dump();
              if (response.statusCode !== 201) throw new Error(`HTTP ${response.statusCode}`);
            })
            .catch((error: unknown) => {
              errors += 1;
              firstError ??= String(error);
            }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inFlight);
    await consumer.waitFor(total - errors, 30_000);
    const latencies: number[] = [];
    for (const [i, at] of sentAt) {
      if (i < warmup) continue;
      const arrived = consumer.arrivals.get(i);
      if (arrived !== undefined) latencies.push(arrived - at);
    }
    const missing = total - warmup - latencies.length;
    return {
      variant: `relay ${dialect} @${PACED_RATE}/s`,
      connections: 64,
      targets: { maxP99Ms: MAX_P99_MS },
      result: latencyResult(latencies, Math.max(0, missing), PACED_SECONDS * 1000, firstError),
    };
  } finally {
    consumer.close();
    await pool.close();
    await relay.stop();
    cleanup();
  }
}

export async function run(): Promise<Scenario[]> {
  const only = process.env.BENCH_DB;
  const scenarios: Scenario[] = [];
  const top = await ceiling();
  scenarios.push(top);
  const pgSkip = await postgresUnreachable();
  for (const dialect of ['sqlite', 'postgres'] as const) {
    if (only && only !== dialect) continue;
    if (dialect === 'postgres' && pgSkip) {
      scenarios.push({ variant: 'relay postgres', connections: CONNECTIONS, targets: {}, skipped: pgSkip });
      continue;
    }
    scenarios.push(await throughput(dialect, top.result?.throughput));
    if (dialect === 'sqlite') scenarios.push(await ingestOnly(dialect));
    scenarios.push(await paced(dialect));
  }
  return scenarios;
}
