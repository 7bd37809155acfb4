import { type ChildProcess, spawn } from 'node:child_process';
import type { AppLaunch } from './app-launch.js';

/** How long the app gets to stop after SIGTERM before its whole process group is killed. */
const STOP_GRACE_MS = 4000;

export interface AppProcessEvents {
  /** The app ended on its own (a crash, a missing variable); dev waits for the next change. */
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

/**
 * The developer's app as a child process in its own process group, so stopping it also stops
 * whatever it started (a shell, `npm run`, a bundler's watcher): no orphan outlives `dev`.
 * Its output goes straight to the terminal.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly launch: AppLaunch,
    private readonly cwd: string,
    private readonly events: AppProcessEvents,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(env: NodeJS.ProcessEnv): void {
    if (this.child) throw new Error('The app is already running.');
    const child = spawn(this.launch.command, this.launch.args, {
      cwd: this.cwd,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
      shell: this.launch.shell,
    });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const expected = this.child !== child;
        if (this.child === child) this.child = undefined;
        if (!expected) this.events.onExit(code, signal);
        resolve();
      });
      child.once('error', (error) => {
        process.stderr.write(`Could not start the app (${this.launch.label}): ${error.message}\n`);
      });
    });
  }

  /** SIGTERM to the process group, SIGKILL after the grace period; resolves once it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.child = undefined;
    const group = -child.pid;
    signalGroup(group, 'SIGTERM');
    const force = setTimeout(() => signalGroup(group, 'SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(force);
    // The leader is gone; anything it left in its group goes too.
    signalGroup(group, 'SIGKILL');
  }

  /** SIGKILL to the process group, synchronously: for a `process.on('exit')` handler. */
  killNow(): void {
    if (this.child?.pid) signalGroup(-this.child.pid, 'SIGKILL');
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(group, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}
