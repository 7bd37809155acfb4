/**
 * The receiving apps of the delivery benchmark, in their own process: with them in the load
 * generator, one event loop did the posting, ~10 000 receipts/s and their HMAC checks, and each
 * side's queue inflated the other's latency. BENCH_RECEIVER_APPS loopback servers verify the
 * Pumble signature of every request, ack slash commands with a message, and report each event's
 * receipt over IPC as (message id, app index, time). Times are `performance.timeOrigin +
 * performance.now()` (wall-clock ms, monotonic within a process) so the parent can subtract its
 * own send times. Protocol (see receivers.ts): child -> `{type:'ready', urls}`; parent ->
 * `{type:'secrets', secrets}`; child -> `{type:'secrets-set'}`, then `{type:'receipts', ids, apps, at, rejected}` batches.
 * It exits when the IPC channel or its stdin closes (the parent stopped or died).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyPumble } from '@switchboard/protocol';
import type { ReceiptBatch, ReceiverReady, ReceiverSecrets } from './receivers.js';

/** A batch leaves after this long or this many receipts, whichever comes first. */
const FLUSH_MS = 5;
const FLUSH_COUNT = 1_000;

const count = Number(process.env.BENCH_RECEIVER_APPS);
if (!Number.isInteger(count) || count < 1 || !process.send) throw new Error('receiver-child: run by receivers.ts with BENCH_RECEIVER_APPS');
const send = process.send.bind(process);

const secrets: string[] = [];
let batch: ReceiptBatch = { type: 'receipts', ids: [], apps: [], at: [], rejected: 0 };
let flushTimer: NodeJS.Timeout | undefined;

function flush(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  if (batch.ids.length === 0 && batch.rejected === 0) return;
  send(batch);
  batch = { type: 'receipts', ids: [], apps: [], at: [], rejected: 0 };
}

function schedule(): void {
  if (batch.ids.length >= FLUSH_COUNT) flush();
  else flushTimer ??= setTimeout(flush, FLUSH_MS);
}

function handle(app: number, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    const raw = Buffer.concat(chunks);
    const check = verifyPumble({
      secrets: secrets[app] ? [secrets[app]] : [],
      timestamp: req.headers['x-pumble-request-timestamp'] as string,
      signature: req.headers['x-pumble-request-signature'] as string,
      rawBody: raw,
    });
    if (!check.ok) {
      batch.rejected += 1;
      schedule();
      res.writeHead(403).end();
      return;
    }
    const payload = JSON.parse(raw.toString()) as { messageType: string; body?: string; text?: string };
    if (payload.messageType === 'SLASH_COMMAND') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `ack ${payload.text}` }));
      return;
    }
    res.writeHead(200).end();
    if (payload.messageType === 'PUMBLE_EVENT' && payload.body) {
      const body = JSON.parse(payload.body) as { mId?: string };
      if (body.mId) {
        batch.ids.push(body.mId);
        batch.apps.push(app);
        batch.at.push(at);
        schedule();
      }
    }
  });
}

const urls: string[] = [];
for (let app = 0; app < count; app += 1) {
  const server = createServer((req, res) => handle(app, req, res));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

process.on('message', (message: ReceiverSecrets) => {
  if (message.type !== 'secrets') return;
  secrets.splice(0, secrets.length, ...message.secrets);
  // The parent posts only after this: no event can reach an app before it knows its secret.
  send({ type: 'secrets-set' });
});
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0)).resume();
send({ type: 'ready', urls } satisfies ReceiverReady);
