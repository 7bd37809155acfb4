/**
 * sdk-listener-cpu: a diagnostic beside `sdk-receiver` for busy machines. It feeds the SDK's node
 * `requestListener` real `Readable` requests (signed `/echo` commands, a fresh delivery id each)
 * and a minimal response object in one process — no sockets, no load generator — and reports the
 * CPU time per delivery, next to the bench's bare floor (HMAC + JSON.parse + a content-length
 * reply) fed the same way. CPU time is far less disturbed by other processes than requests/s, so
 * the difference between the two lines is the SDK's own cost per delivery.
 *
 * Run: `npx tsx bench/sdk-listener-cpu.ts` (BENCH_DELIVERIES, default 20 000 per pass, 5 passes).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER } from '@switchboard/protocol';
import { createApp } from '@switchboard/sdk';
import { signedEchoCommand } from './lib/echo-command.js';

const SECRET = 'bench-signing-secret-0123456789abcdef';
const PER_PASS = Number(process.env.BENCH_DELIVERIES ?? 20_000);
const CONCURRENCY = 64;

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

/** The same floor as bench/sdk-receiver.ts, as a listener. */
const bare: RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const expected = createHmac('sha256', SECRET).update(String(req.headers[PUMBLE_TIMESTAMP_HEADER])).update(':').update(raw).digest();
    const given = Buffer.from(String(req.headers[PUMBLE_SIGNATURE_HEADER]), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(expected, given)) return void res.writeHead(403).end();
    const answer = JSON.stringify({ message: (JSON.parse(raw.toString('utf8')) as { text: string }).text });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
  });
};

let sequence = 0;
let failures = 0;

/** One signed delivery through `listener`; resolves when the response is ended. */
function deliver(listener: RequestListener): Promise<void> {
  const n = sequence++;
  const { body, headers } = signedEchoCommand(n, SECRET, `cpu-${n}`);
  const req = Object.assign(Readable.from([Buffer.from(body)], { objectMode: false }), {
    method: 'POST',
    url: '/slash',
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
  });
  return new Promise((resolve) => {
    const res = {
      headersSent: false,
      writeHead(status: number) {
        if (status !== 200) failures += 1;
        this.headersSent = true;
        return this;
      },
      end: () => resolve(),
    };
    listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}

async function cpuPerDelivery(listener: RequestListener, count: number): Promise<number> {
  const before = process.cpuUsage();
  for (let done = 0; done < count; done += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, () => deliver(listener)));
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / count;
}

async function measure(name: string, listener: RequestListener): Promise<number> {
  // Warm-up: JIT, and (for the SDK) a deduper past its 10 000 remembered ids.
  await cpuPerDelivery(listener, PER_PASS + 10_000);
  const passes: number[] = [];
  for (let pass = 0; pass < 5; pass += 1) passes.push(await cpuPerDelivery(listener, PER_PASS));
  passes.sort((a, b) => a - b);
  console.log(`${name.padEnd(5)} median ${(passes[2] / 1000).toFixed(1)} µs CPU per delivery (passes: ${passes.map((p) => (p / 1000).toFixed(1)).join(' ')})`);
  return passes[2];
}

const app = createApp({ manifest, signingSecret: SECRET, onError: (error) => console.error('[bench app]', error) });
app.command('/echo', (ctx) => ctx.ack(ctx.payload.text));
// start() binds the listener to the app (on a free loopback port nobody uses here).
await app.start({ port: 0 });
const floor = await measure('bare', bare);
const sdk = await measure('sdk', app.requestListener);
console.log(`sdk - bare = ${((sdk - floor) / 1000).toFixed(1)} µs of SDK work per delivery; ${failures} non-200 answers`);
await app.stop();
