import { type Dispatcher, Pool } from 'undici';
import { round2, summarize } from './stats.js';

export interface RequestSpec {
  method: Dispatcher.HttpMethod;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** Origin of the server, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Concurrent workers; each owns one keep-alive connection and sends its next request when the last answered. */
  connections: number;
  /** Requests before this are sent but not counted: JIT, caches and the connection pool settle first. */
  warmupMs: number;
  /** Stop after this long once warm-up is over... */
  durationMs?: number;
  /** ...or after this many counted requests (whichever is given; duration wins if both are). */
  count?: number;
  /** A response with another status counts as an error and stays out of the latency figures. */
  expectStatus: number;
  /** Builds the n-th request, so a benchmark can vary payloads without allocating them all up front. */
  request: (n: number) => RequestSpec;
}

export interface LoadResult {
  /** Counted requests (successes and errors). */
  requests: number;
  errors: number;
  durationMs: number;
  /** Successful requests per second. */
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** CPU the generator itself used (percent of one core, warm-up included): near 100 means it, not the server, is the limit. */
  clientCpuPercent: number;
  /** The first failure seen, to tell a broken benchmark from a slow server. */
  firstError?: string;
}

const MS = 1_000_000n;

/**
 * A closed-loop load generator: offered load follows the server's pace, so latency stays
 * meaningful (an open loop on a 2-core box mostly measures its own queue).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.durationMs === undefined && options.count === undefined) throw new Error('runLoad needs durationMs or count');
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let sent = 0;
  let counted = 0;
  const start = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const measureFrom = start + BigInt(options.warmupMs) * MS;
  const stopAt = options.durationMs !== undefined ? measureFrom + BigInt(options.durationMs) * MS : undefined;
  let lastEnd = measureFrom;

  const fail = (reason: string) => {
    firstError ??= reason;
    return false;
  };

  const worker = async () => {
    for (;;) {
      const t0 = process.hrtime.bigint();
      if (stopAt !== undefined && t0 >= stopAt) return;
      const measured = t0 >= measureFrom;
      if (measured && stopAt === undefined) {
        if (counted >= (options.count ?? 0)) return;
        counted += 1;
      }
      const spec = options.request(sent++);
      let ok: boolean;
      try {
        const response = await pool.request({ origin: options.url, ...spec });
        if (response.statusCode === options.expectStatus) {
          // Drain without decoding: the generator shares the CPU with the server.
          await response.body.dump();
          ok = true;
        } else {
          ok = fail(`HTTP ${response.statusCode}: ${(await response.body.text()).slice(0, 200)}`);
        }
      } catch (error) {
        ok = fail(String(error));
      }
      const t1 = process.hrtime.bigint();
      if (!measured) continue;
      if (t1 > lastEnd) lastEnd = t1;
      if (ok) latencies.push(Number(t1 - t0) / 1e6);
      else errors += 1;
    }
  };

  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    await pool.close();
  }
  const durationMs = Number(lastEnd - measureFrom) / 1e6;
  const cpu = process.cpuUsage(cpuAtStart);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const latency = summarize(latencies);
  return {
    requests: latencies.length + errors,
    errors,
    durationMs: round2(durationMs),
    throughput: durationMs > 0 ? round2((latencies.length * 1000) / durationMs) : 0,
    p50: round2(latency.p50),
    p90: round2(latency.p90),
    p99: round2(latency.p99),
    max: round2(latency.max),
    mean: round2(latency.mean),
    clientCpuPercent: Math.round((cpu.user + cpu.system) / 10 / wallMs),
    ...(firstError ? { firstError } : {}),
  };
}
