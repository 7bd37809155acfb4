import type { Probe } from './probes.js';

/** Slash commands, shortcuts and interactions must be answered within 3 s (PROTOCOL.md 6.3). */
export const ACK_DEADLINE_MS = 3_000;
const WAIT_MS = 10_000;

export interface ProbeResult {
  name: string;
  purpose: string;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** Why it failed, in a sentence. */
  problem?: string;
}

function judge(probe: Probe, status: number, latencyMs: number, answer: string): string | undefined {
  const said = answer ? `: ${answer.slice(0, 200)}` : '';
  if (probe.expect === 'accept') {
    if (status < 200 || status >= 300) {
      const hint = status === 401 || status === 403 ? ' (is --signing-secret the app’s current signing secret?)' : '';
      return `answered ${status}${said}${hint}`;
    }
    if (probe.target === 'command' && latencyMs > ACK_DEADLINE_MS) return `answered after ${latencyMs} ms; the limit is ${ACK_DEADLINE_MS} ms`;
    return undefined;
  }
  if (status >= 200 && status < 300) return `accepted it (${status}): anyone can send this app forged requests`;
  if (status >= 500) return `failed with ${status} instead of refusing with a 4xx${said}`;
  if (status < 400) return `answered ${status}; expected a 4xx`;
  return undefined;
}

async function runOne(url: string, probe: Probe): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const response = await fetch(url, { method: 'POST', headers: probe.headers, body: probe.body, redirect: 'manual', signal: AbortSignal.timeout(WAIT_MS) });
    const answer = await response.text();
    const latencyMs = Math.round(performance.now() - started);
    const problem = judge(probe, response.status, latencyMs, answer);
    return { name: probe.name, purpose: probe.purpose, ok: problem === undefined, status: response.status, latencyMs, problem };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const cause = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${WAIT_MS / 1000} s` : `could not connect (${reason(error)})`;
    return { name: probe.name, purpose: probe.purpose, ok: false, status: null, latencyMs, problem: cause };
  }
}

function reason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
}

/** Sends the probes one after another (a replay must follow what it replays) and judges each. */
export async function runProbes(urls: { command: string; event: string }, probes: Probe[]): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const probe of probes) results.push(await runOne(probe.target === 'command' ? urls.command : urls.event, probe));
  return results;
}
