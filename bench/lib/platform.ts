import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export type DialectName = 'sqlite' | 'postgres';

export const DEMO_PASSWORD = 'bench-demo-password-1';
export const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./serve-child.ts', import.meta.url));
/** The node flags `switchboard` runs the server with: those of its bin's shebang (`env -S node <flags>`). */
const SERVER_NODE_FLAGS = (readFileSync(join(ROOT, 'packages/cli/bin/switchboard.js'), 'utf8').split('\n')[0] ?? '')
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** USER_HZ: 100 on every mainstream Linux build. */
const CLOCK_TICKS = 100;

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function postgresUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return `${POSTGRES_URL}: ${String(error)}`;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface BenchPlatform {
  url: string;
  dialect: DialectName;
  /** The PostgreSQL schema this node uses (undefined on SQLite). */
  pgSchema?: string;
  /** CPU time the server process has used so far in ms (Linux /proc; undefined elsewhere). */
  cpuMs(): number | undefined;
  /** Stops the child and removes its data (temp dir, PostgreSQL schema). */
  stop(): Promise<void>;
}

export interface BenchPlatformOptions {
  /** Extra environment for the child (e.g. SWITCHBOARD_DELIVERY_LANE_WINDOW). */
  env?: Record<string, string>;
  /**
   * A running PostgreSQL node whose schema this one joins, as a second node of one deployment. The
   * schema is already migrated and seeded (the demo seed skips a non-empty store) and stays owned by
   * that first node: stop this one first, the first one's stop drops the schema.
   */
  joining?: BenchPlatform;
}

/**
 * Starts a seeded platform in a child process on a fresh temp dir or PostgreSQL schema.
 * With BENCH_CPU_PROF=<dir> the child runs under `--cpu-prof` and writes its profile there.
 */
export async function startBenchPlatform(dialect: DialectName, options: BenchPlatformOptions = {}): Promise<BenchPlatform> {
  const joined = options.joining?.pgSchema;
  if (options.joining && (dialect !== 'postgres' || !joined)) throw new Error('only a PostgreSQL node can join another one');
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const pgSchema = joined ?? (dialect === 'postgres' ? `bench_${process.pid}_${Date.now().toString(36)}` : undefined);
  const profileDir = process.env.BENCH_CPU_PROF;
  // BENCH_NODE_ARGS: extra node flags for the server child (e.g. `--import /tmp/probe.mjs`), space-separated.
  const extraArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const nodeArgs = [...SERVER_NODE_FLAGS, ...extraArgs, '--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [])];
  const child = spawn(process.execPath, [...nodeArgs, CHILD], {
    cwd: ROOT,
    env: {
      ...process.env,
      BENCH_DIALECT: dialect,
      BENCH_DATA_DIR: dataDir,
      BENCH_PG_URL: POSTGRES_URL,
      BENCH_PG_SCHEMA: pgSchema ?? '',
      BENCH_DEMO_PASSWORD: DEMO_PASSWORD,
      BENCH_SHARED_SCHEMA: joined ? '1' : '',
      ...options.env,
    },
    // stdin stays open as a lifeline: if this process dies (Ctrl-C, crash) the child sees EOF and cleans up itself.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // The child removes its own data on shutdown; this repeats it (idempotently) in case the child crashed.
  const cleanup = async () => {
    if (pgSchema && !joined) await dropSchema(pgSchema);
    rmSync(dataDir, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = await readUrl(child);
  } catch (error) {
    await stopChild(child);
    await cleanup();
    throw error;
  }
  return {
    url,
    dialect,
    pgSchema,
    cpuMs: () => processCpuMs(child.pid),
    async stop() {
      await stopChild(child);
      await cleanup();
    },
  };
}

/** Waits for the child's `{"url": …}` line; anything else it prints (warnings) goes to stderr. */
function readUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('bench platform did not start in time')), START_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`bench platform exited during start-up (code ${code})`));
    };
    child.once('exit', onExit);
    let found = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!found && line.startsWith('{"url"')) {
        found = true;
        clearTimeout(timer);
        child.off('exit', onExit);
        resolveUrl((JSON.parse(line) as { url: string }).url);
      } else {
        process.stderr.write(`[server] ${line}\n`);
      }
    });
  });
}

/** SIGTERM for a clean close (and a written CPU profile); SIGKILL if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** utime + stime of a process; tells whether the server is CPU-bound or waiting on the database. */
export function processCpuMs(pid: number | undefined): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    // The name is generated above from digits and base-36 letters, so quoting it is enough.
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Runs `work` and reports the server child's CPU over it, in percent of one core
 * (~100 means the server's event loop was the limit); undefined where CPU can't be read.
 */
export async function withServerCpu<T>(platform: BenchPlatform, work: () => Promise<T>): Promise<{ value: T; serverCpuPercent?: number }> {
  const before = platform.cpuMs();
  const started = performance.now();
  const value = await work();
  const after = platform.cpuMs();
  const serverCpuPercent = before !== undefined && after !== undefined ? Math.round((100 * (after - before)) / (performance.now() - started)) : undefined;
  return { value, serverCpuPercent };
}
