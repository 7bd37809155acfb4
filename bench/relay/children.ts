import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from '../lib/platform.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchChild {
  url: string;
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Runs `script` (next to this file) in its own node process with `env`; resolves once it prints
 * `{"url": …}`. stdin is its lifeline: it exits when this process dies.
 */
export async function startChild(script: string, env: Record<string, string>): Promise<BenchChild> {
  // The relay runs compiled (dist/, as users run it); BENCH_CPU_PROF=<dir>: the child writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...profile, fileURLToPath(new URL(script, import.meta.url))], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${script} exited during start-up (${code})`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{"url"')) return process.stderr.write(`[${script}] ${line}\n`);
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return {
    url,
    cpuMs: () => processCpuMs(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
