import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../src/index.js';

const RUNNER = join(import.meta.dirname, '..', 'run-cli.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  /** HOME of the run: where ~/.switchboardrc lives. */
  home: string;
  /** Working directory (the app folder). */
  cwd: string;
  env?: Record<string, string | undefined>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `switchboard …` as a real child process (sources through tsx), with its own HOME. */
export function runCli(args: string[], where: CliEnv): Promise<CliResult> {
  // The parent's SWITCHBOARD_* never leak into a run: each test states its own.
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('SWITCHBOARD_')) env[key] = value;
  Object.assign(env, { NO_COLOR: '1', HOME: where.home });
  for (const [key, value] of Object.entries(where.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', TSX, RUNNER, ...args], { cwd: where.cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs `switchboard …` in this process (faster; same code path as the binary): HOME, the
 * working directory and SWITCHBOARD_* come from `where`, output is captured.
 */
export async function runInProcess(args: string[], where: CliEnv): Promise<CliResult> {
  const saved = { cwd: process.cwd(), env: { ...process.env }, exitCode: process.exitCode };
  for (const key of Object.keys(process.env)) if (key.startsWith('SWITCHBOARD_')) delete process.env[key];
  Object.assign(process.env, { HOME: where.home, NO_COLOR: '1' });
  for (const [key, value] of Object.entries(where.env ?? {})) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  process.chdir(where.cwd);
  process.exitCode = undefined;
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await main(['node', 'switchboard', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.chdir(saved.cwd);
    for (const key of Object.keys(process.env)) if (!(key in saved.env)) delete process.env[key];
    Object.assign(process.env, saved.env);
    process.exitCode = saved.exitCode;
  }
}

/**
 * Runs `switchboard …` in a pseudo-terminal (util-linux `script`), answering each prompt when
 * its text appears: how a person uses the interactive prompts.
 */
export function runInTerminal(args: string[], where: CliEnv, answers: { prompt: string; input: string }[]): Promise<CliResult> {
  const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;
  const command = ['stty cols 100 rows 30;', quote(process.execPath), '--conditions=source', '--import', quote(TSX), quote(RUNNER), ...args.map(quote)].join(
    ' ',
  );
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('SWITCHBOARD_')) env[key] = value;
  Object.assign(env, { HOME: where.home, NO_COLOR: '1' }, where.env ?? {});
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: where.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const pending = [...answers];
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const next = pending[0];
      if (next && stdout.includes(next.prompt)) {
        pending.shift();
        child.stdin.write(`${next.input}\r`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
