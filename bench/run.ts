/**
 * `npm run bench [-- name…]`: runs the registered benchmarks (all when no name is given),
 * prints one table per benchmark and writes bench/results/<name>-<iso>.json plus a stable
 * <name>.latest.json for comparing runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as apiAuth from './api-auth.js';
import * as chatPost from './chat-post.js';
import * as delivery from './delivery.js';
import * as devLoop from './dev-loop.js';
import type { LoadResult } from './lib/load.js';
import { type Cell, renderTable } from './lib/table.js';
import * as relay from './relay.js';
import * as sdkReceiver from './sdk-receiver.js';
import * as socket from './socket.js';
import * as web from './web.js';

export interface Targets {
  minThroughput?: number;
  maxP99Ms?: number;
}

/** One measured configuration of a benchmark (e.g. the SQLite or the PostgreSQL run). */
export interface Scenario {
  variant: string;
  connections: number;
  targets: Targets;
  result?: LoadResult;
  /** Server process CPU over the run (percent of one core); ~100 means one event loop is saturated. */
  serverCpuPercent?: number;
  /** Why the scenario did not run (e.g. PostgreSQL unreachable). */
  skipped?: string;
}

export interface Benchmark {
  description: string;
  run(): Promise<Scenario[]>;
}

/** Adding a benchmark: write bench/<name>.ts exporting `description` and `run`, then list it here. */
const registry: Record<string, Benchmark> = {
  'chat-post': chatPost,
  'api-auth': apiAuth,
  'sdk-receiver': sdkReceiver,
  delivery,
  socket,
  relay,
  web,
  'dev-loop': devLoop,
};

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

function targetText({ minThroughput, maxP99Ms }: Targets): string {
  return [minThroughput !== undefined ? `>=${minThroughput}/s` : '', maxP99Ms !== undefined ? `p99<=${maxP99Ms}ms` : ''].filter(Boolean).join(' ');
}

function verdict({ targets, result }: Scenario): string {
  if (!result) return 'skipped';
  const misses: string[] = [];
  if (result.errors > 0) misses.push(`${result.errors} errors`);
  if (targets.minThroughput !== undefined && result.throughput < targets.minThroughput) misses.push('throughput');
  if (targets.maxP99Ms !== undefined && result.p99 > targets.maxP99Ms) misses.push('p99');
  return misses.length === 0 ? 'ok' : `MISS ${misses.join(', ')}`;
}

function row(name: string, scenario: Scenario): Cell[] {
  const r = scenario.result;
  const target = targetText(scenario.targets);
  if (!r) return [name, scenario.variant, scenario.connections, '-', '-', '-', '-', '-', '-', '-', '-', '-', target, verdict(scenario)];
  const cpu = (percent: number | undefined) => (percent === undefined ? '-' : `${percent}%`);
  const counts = [r.requests, r.errors, Math.round(r.throughput)];
  const latencies = [r.p50, r.p90, r.p99, r.max];
  return [
    name,
    scenario.variant,
    scenario.connections,
    ...counts,
    ...latencies,
    cpu(scenario.serverCpuPercent),
    cpu(r.clientCpuPercent),
    target,
    verdict(scenario),
  ];
}

/** Enough context to tell whether two result files are comparable. */
function environment() {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {}
  const settings = {
    BENCH_SECONDS: process.env.BENCH_SECONDS,
    BENCH_WARMUP_SECONDS: process.env.BENCH_WARMUP_SECONDS,
    BENCH_CPU_PROF: process.env.BENCH_CPU_PROF,
  };
  return { commit, node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg: loadavg(), settings };
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in registry));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(registry).join(', ')}`);
    process.exit(2);
  }
  mkdirSync(RESULTS, { recursive: true });
  const rows: Cell[][] = [];
  for (const name of names.length > 0 ? names : Object.keys(registry)) {
    const benchmark = registry[name];
    console.log(`\n== ${name}: ${benchmark.description}`);
    const startedAt = new Date();
    // Taken before the run: the load average then says whether the machine was already busy.
    const env = environment();
    const scenarios = await benchmark.run();
    const report = { benchmark: name, description: benchmark.description, startedAt, finishedAt: new Date(), environment: env, scenarios };
    const body = `${JSON.stringify(report, null, 2)}\n`;
    // ':' is not allowed in Windows file names; the ISO order still sorts chronologically.
    writeFileSync(`${RESULTS}${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, body);
    writeFileSync(`${RESULTS}${name}.latest.json`, body);
    for (const scenario of scenarios) {
      rows.push(row(name, scenario));
      if (scenario.result?.firstError) console.warn(`[bench ${name}/${scenario.variant}] first error: ${scenario.result.firstError}`);
    }
  }
  const headers = [
    'benchmark',
    'db',
    'conns',
    'requests',
    'errors',
    'req/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'srv cpu',
    'gen cpu',
    'target',
    'verdict',
  ];
  console.log(`\n${renderTable(headers, rows)}\n\nResults in ${RESULTS}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
