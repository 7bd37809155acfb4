/**
 * sdk-receiver: signed `/echo` slash commands through the SDK's HTTP receiver — Pumble
 * signature check, JSON parse, payload validation, de-duplication by delivery id, dispatch to
 * `app.command('/echo')` and its ack with a message — in one server process (`app.start()`),
 * 64 keep-alive connections from a separate load process. Every request is freshly signed with
 * a new delivery id, so neither the verifier nor the deduper sees a repeat.
 *
 * The server half is this same file run as a child (SDK_RECEIVER_BENCH_CHILD=sdk|bare), so
 * the benchmark and the app it measures stay in one place. A second scenario serves the same
 * load from a bare node:http server (HMAC + JSON.parse, no SDK) as the floor to compare with.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER, signPumble } from '@switchboard/protocol';
import { createApp } from '@switchboard/sdk';
import { signedEchoCommand } from './lib/echo-command.js';
import { type RequestSpec, runLoad } from './lib/load.js';
import type { Scenario } from './run.js';

const CONNECTIONS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const MIN_REQUESTS_PER_S = 30_000;
const SECRET = 'bench-signing-secret-0123456789abcdef';
const CHILD_FLAG = 'SDK_RECEIVER_BENCH_CHILD';

export const description = `signed /echo commands through the SDK HTTP receiver (verify + parse + dedupe + dispatch + ack), ${CONNECTIONS} connections, one server process`;

const manifest = {
  name: 'bench_echo',
  displayName: 'Bench Echo',
  bot: true,
  scopes: { botScopes: [], userScopes: [] },
  shortcuts: [],
  slashCommands: [{ command: '/echo', url: 'http://127.0.0.1/slash' }],
  eventSubscriptions: { url: 'http://127.0.0.1/events', events: [] },
  redirectUrls: [],
};

/** The measured app: a real `createApp` with one command, served by `app.start()`. */
async function serveSdk(): Promise<{ url: string; stop(): Promise<void> }> {
  const app = createApp({ manifest, signingSecret: SECRET, onError: (error) => console.error('[bench app]', error) });
  app.command('/echo', (ctx) => ctx.ack(ctx.payload.text));
  const address = await app.start({ port: 0 });
  return { url: address?.url ?? '', stop: () => app.stop() };
}

/** The floor to compare with: bare node:http, HMAC check and JSON.parse, no SDK (the issue's ~40 000/s reference). */
async function serveBare(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const timestamp = String(req.headers[PUMBLE_TIMESTAMP_HEADER]);
      const expected = Buffer.from(signPumble(SECRET, timestamp, raw));
      const given = Buffer.from(String(req.headers[PUMBLE_SIGNATURE_HEADER]));
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return void res.writeHead(403).end();
      const payload = JSON.parse(raw.toString('utf8')) as { text: string };
      const answer = JSON.stringify({ message: payload.text });
      // Written as well as node allows (content-length, no chunked encoding), so the floor is honest.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function serve(kind: string): Promise<void> {
  const server = kind === 'bare' ? await serveBare() : await serveSdk();
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.once('end', stop).resume();
}

function startChild(kind: 'sdk' | 'bare'): Promise<{ child: ChildProcess; url: string }> {
  const profileDir = process.env.BENCH_CPU_PROF;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), fileURLToPath(import.meta.url)],
    { env: { ...process.env, [CHILD_FLAG]: kind }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench app did not start in time')), 30_000);
    child.once('exit', (code) => reject(new Error(`bench app exited during start-up (code ${code})`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
  });
}

function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

function signedCommand(n: number): RequestSpec {
  const { body, headers } = signedEchoCommand(n, SECRET, `bench-${process.pid}-${n}`);
  return { method: 'POST', path: '/slash', headers, body };
}

interface Measured {
  scenario: Scenario;
  /** Server CPU per answered request over the measured window (warm-up excluded): less noisy than req/s on a shared machine. */
  cpuUsPerRequest?: number;
}

async function measure(kind: 'sdk' | 'bare', warmupSeconds: number): Promise<Measured> {
  const { child, url } = await startChild(kind);
  try {
    let offset = 0;
    const load = (durationMs: number) =>
      runLoad({ url, connections: CONNECTIONS, warmupMs: 0, durationMs, expectStatus: 200, request: (n) => signedCommand(offset + n) });
    // Warm-up as its own run, so the server's CPU is read over the measured window only.
    offset = 1e9;
    await load(warmupSeconds * 1000);
    offset = 0;
    const cpuBefore = cpuMs(child.pid);
    const started = performance.now();
    const result = await load(SECONDS * 1000);
    const cpuAfter = cpuMs(child.pid);
    const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
    const serverCpuPercent = cpu === undefined ? undefined : Math.round((100 * cpu) / (performance.now() - started));
    const targets = kind === 'sdk' ? { minThroughput: MIN_REQUESTS_PER_S } : {};
    return {
      scenario: { variant: kind === 'sdk' ? 'sdk app.start' : 'bare node:http', connections: CONNECTIONS, targets, result, serverCpuPercent },
      cpuUsPerRequest: cpu === undefined || result.requests === 0 ? undefined : Math.round((1000 * cpu) / result.requests),
    };
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * The bare floor, then the SDK receiver, on the same machine state: the ratio survives a noisy
 * machine better than either figure. The load generator is JIT-compiled code too, so the first
 * scenario warms up twice as long: otherwise whichever runs first is measured with a cold
 * generator (on a busy machine that alone cost the first scenario half its throughput).
 */
export async function run(): Promise<Scenario[]> {
  const bare = await measure('bare', 2 * WARMUP_SECONDS);
  const sdk = await measure('sdk', WARMUP_SECONDS);
  const ratio = (a?: number, b?: number) => (a && b ? (a / b).toFixed(2) : '-');
  console.log(
    `sdk-receiver: sdk ${Math.round(sdk.scenario.result?.throughput ?? 0)} req/s (${sdk.cpuUsPerRequest ?? '-'} µs server CPU/req), ` +
      `bare ${Math.round(bare.scenario.result?.throughput ?? 0)} req/s (${bare.cpuUsPerRequest ?? '-'} µs/req); ` +
      `sdk/bare throughput ${ratio(sdk.scenario.result?.throughput, bare.scenario.result?.throughput)}, CPU per request ${ratio(sdk.cpuUsPerRequest, bare.cpuUsPerRequest)}`,
  );
  return [sdk.scenario, bare.scenario];
}

const childKind = process.env[CHILD_FLAG];
if (childKind) await serve(childKind);
