import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNNER = join(import.meta.dirname, 'run-cli.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A long-running `switchboard …` (serve, dev) whose output the test reads as it comes. */
export interface RunningCli {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (waiting for it), or rejects after `timeoutMs` with the output. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ctrl-C: SIGINT to the whole process group (with `group`), else to the process. */
  interrupt(): void;
}

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /**
   * `source`: `switchboard` from the TypeScript sources through tsx (default); `npx`:
   * `npx switchboard …` in `cwd`, as a person types it; `node`: plain `node <args>` (no loader).
   */
  via?: 'source' | 'npx' | 'node';
  /** Run in a process group of its own, so `interrupt()` reaches every process in it, as Ctrl-C in a terminal does. */
  group?: boolean;
}

/** Starts `switchboard …` without waiting for it to end. SWITCHBOARD_* of the test runner never leak in. */
export function spawnCli(args: string[], options: SpawnOptions): RunningCli {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('SWITCHBOARD_')) env[key] = value;
  env.NO_COLOR = '1';
  // A loader or flags of the test runner would change what runs.
  delete env.NODE_OPTIONS;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const [command, commandArgs] =
    options.via === 'npx'
      ? ['npx', ['--no-install', 'switchboard', ...args]]
      : options.via === 'node'
        ? [process.execPath, args]
        : [process.execPath, ['--conditions=source', '--import', TSX, RUNNER, ...args]];
  const child = spawn(command, commandArgs, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.group === true });
  let text = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const wake of waiters) wake();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const wake of waiters) wake();
  });
  return {
    child,
    output: () => text,
    exited,
    interrupt() {
      if (options.group && child.pid) process.kill(-child.pid, 'SIGINT');
      else child.kill('SIGINT');
    },
    waitFor(pattern, timeoutMs = 60_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.slice(from).match(pattern);
          if (match) return done(() => resolve(match));
          if (ended) return done(() => reject(new Error(`The CLI ended before printing ${pattern}. Output:\n${text}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`No ${pattern} within ${timeoutMs} ms. Output:\n${text}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Whether something accepts connections on the port. */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Pids of the processes whose working directory is `dir` or inside it (Linux /proc): what `dev` started there. */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface StoredMessage {
  id: string;
  author: string;
  text: string;
}

/**
 * A person in the chat, signed in by the single-use link `dev` prints (its cookie session):
 * posts as the page would and reads the channel back.
 */
export class ChatPerson {
  private constructor(
    private readonly base: string,
    private readonly cookie: string,
  ) {}

  static async fromLink(link: string): Promise<ChatPerson> {
    const response = await fetch(link, { redirect: 'manual' });
    if (response.status !== 303) throw new Error(`The sign-in link answered ${response.status}: ${await response.text()}`);
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    return new ChatPerson(new URL(link).origin, cookie);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async channelId(name: string): Promise<string> {
    const { body } = await this.call<{ channel: { id: string; name?: string } }[]>('GET', '/v1/channels');
    const found = body.find((entry) => entry.channel.name === name);
    if (!found) throw new Error(`No channel #${name}.`);
    return found.channel.id;
  }

  /** Posts as this person; a `/command` runs the app's command (202 with its outcome). */
  post(channelId: string, text: string) {
    return this.call<{ outcome?: string }>('POST', `/v1/channels/${channelId}/messages`, { text });
  }

  /** The channel's newest message with exactly this text, waiting for it. */
  waitForText(channelId: string, text: string, timeoutMs = 15_000): Promise<StoredMessage> {
    return eventually(
      async () => {
        const { body } = await this.call<{ messages: StoredMessage[] }>('GET', `/v1/channels/${channelId}/messages?limit=50`);
        return body.messages.find((message) => message.text === text);
      },
      `a message "${text}"`,
      timeoutMs,
    );
  }
}
