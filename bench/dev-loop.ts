/**
 * `npm run bench -- dev-loop`: how long from typing the README's command to a bot's first reply.
 * - warm: `npx switchboard dev` at the repository root (examples/echo-bot, its state in place),
 *   until a person's `/echo` is answered. Target <= 5 s.
 * - fresh clone: `git clone` + `npm install` (timed apart: it compiles better-sqlite3 here) +
 *   `npx switchboard dev` to the first reply; target <= 15 s for everything after the install.
 *   BENCH_DEV_LOOP_CLONE=0 skips it (minutes).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChatPerson, spawnCli } from '../packages/cli/test/dev-harness.js';
import type { LoadResult } from './lib/load.js';
import type { Scenario } from './run.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WARM_RUNS = Number(process.env.BENCH_DEV_LOOP_RUNS ?? 5);
const WARM_TARGET_MS = 5_000;
const AFTER_INSTALL_TARGET_MS = 15_000;

export const description = `Dev loop: \`npx switchboard dev\` at the repository root to the first /echo reply (${WARM_RUNS} warm runs, target <= ${WARM_TARGET_MS / 1000} s); a fresh clone's README commands to the first reply, npm install timed apart (target <= ${AFTER_INSTALL_TARGET_MS / 1000} s after it)`;

/** Starts `npx switchboard dev` in `cwd`, posts `/echo` as soon as it is ready; ms from the start to the bot's answer. */
async function devToFirstReply(cwd: string): Promise<number> {
  const started = performance.now();
  const dev = spawnCli(['dev', '--port', '0'], { cwd, via: 'npx', group: true });
  try {
    const [, link] = await dev.waitFor(/Chat {6}(http:\/\/\S+)/, 300_000);
    await dev.waitFor(/Ready\./);
    const person = await ChatPerson.fromLink(link);
    const general = await person.channelId('general');
    const text = `bench ${Date.now()}`;
    const posted = await person.post(general, `/echo ${text}`);
    if (posted.body.outcome !== 'acked') throw new Error(`/echo was ${posted.body.outcome}:\n${dev.output()}`);
    await person.waitForText(general, text, 30_000);
    return performance.now() - started;
  } finally {
    dev.interrupt();
    await dev.exited;
  }
}

function timed(command: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(command, args, { cwd, maxBuffer: 256 * 1024 * 1024, timeout: 1_800_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')} failed: ${stderr}`)) : resolve(performance.now() - started),
    ),
  );
}

function result(samples: number[]): LoadResult {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);
  const mean = Math.round(samples.reduce((a, b) => a + b, 0) / samples.length);
  return {
    requests: samples.length,
    errors: 0,
    durationMs: Math.round(samples.reduce((a, b) => a + b, 0)),
    throughput: 0,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
    mean,
    clientCpuPercent: 0,
  };
}

export async function run(): Promise<Scenario[]> {
  // The first run may register and install the example; it is reported, the warm ones are measured.
  const first = await devToFirstReply(ROOT);
  console.log(`dev loop: first run at the root ${(first / 1000).toFixed(1)} s (creates .switchboard/ when absent)`);
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await devToFirstReply(ROOT));
  console.log(`dev loop: warm runs ${warm.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s`);
  const scenarios: Scenario[] = [{ variant: 'warm: dev → first reply (ms)', connections: 1, targets: { maxP99Ms: WARM_TARGET_MS }, result: result(warm) }];

  if (process.env.BENCH_DEV_LOOP_CLONE === '0') {
    scenarios.push({ variant: 'fresh clone', connections: 1, targets: { maxP99Ms: AFTER_INSTALL_TARGET_MS }, skipped: 'BENCH_DEV_LOOP_CLONE=0' });
    return scenarios;
  }
  const work = mkdtempSync(join(tmpdir(), 'sb-clone-'));
  try {
    const clone = join(work, 'switchboard');
    const cloneMs = await timed('git', ['clone', '--quiet', ROOT, clone], work);
    const installMs = await timed('npm', ['install', '--no-audit', '--no-fund'], clone);
    const afterInstall = await devToFirstReply(clone);
    console.log(
      `dev loop, fresh clone: git clone ${(cloneMs / 1000).toFixed(1)} s, npm install ${(installMs / 1000).toFixed(1)} s (reported apart), npx switchboard dev → first reply ${(afterInstall / 1000).toFixed(1)} s`,
    );
    scenarios.push(
      { variant: 'fresh clone: npm install (apart, ms)', connections: 1, targets: {}, result: result([installMs]) },
      {
        variant: 'fresh clone: after install → first reply (ms)',
        connections: 1,
        targets: { maxP99Ms: AFTER_INSTALL_TARGET_MS },
        result: result([afterInstall]),
      },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return scenarios;
}
