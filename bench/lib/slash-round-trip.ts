/**
 * The slash-command round trip of the delivery and socket benchmarks: Alice posts `/bench0 …` (or
 * `command`) on one
 * connection, the app acks with a message, and the ephemeral frame must arrive on her
 * /v1/realtime socket; latency is post sent -> frame seen, one round at a time.
 */
import { Pool } from 'undici';
import WebSocket from 'ws';
import type { Scenario } from '../run.js';
import type { Login } from './delivery-setup.js';
import { latencyResult } from './stats.js';

/** The first rounds warm up the JIT, the keep-alive sockets and the caches. */
const WARMUP_ROUNDS = 50;

export interface SlashOptions {
  rounds: number;
  maxP99Ms: number;
  variant: string;
  /** The command posted; its app must ack with a message. Default `/bench0`. */
  command?: string;
}

export async function slashRoundTrip(
  url: string,
  login: Login,
  channelId: string,
  { rounds, maxP99Ms, variant, command = '/bench0' }: SlashOptions,
): Promise<Scenario> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/realtime`, { headers: { authtoken: login.token } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let seen: (() => void) | undefined;
  ws.on('message', (data) => {
    if ((JSON.parse(data.toString()) as { type: string }).type === 'message.ephemeral') seen?.();
  });
  const pool = new Pool(url, { connections: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  for (let round = 0; round < rounds + WARMUP_ROUNDS; round += 1) {
    const t0 = performance.now();
    const ephemeral = new Promise<void>((resolve) => {
      seen = resolve;
    });
    const response = await pool.request({
      origin: url,
      method: 'POST',
      path: `/v1/channels/${channelId}/messages`,
      headers: { authtoken: login.token, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `${command} round ${round}` }),
    });
    const text = await response.body.text();
    const outcome = (JSON.parse(text) as { outcome?: string }).outcome;
    if (outcome !== 'acked') {
      errors += 1;
      firstError ??= `HTTP ${response.statusCode}: ${text.slice(0, 200)}`;
      continue;
    }
    const timedOut = await Promise.race([ephemeral.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5000))]);
    if (timedOut) errors += 1;
    else if (round >= WARMUP_ROUNDS) latencies.push(performance.now() - t0);
  }
  const durationMs = performance.now() - start;
  ws.close();
  await pool.close();
  return { variant, connections: 1, targets: { maxP99Ms }, result: latencyResult(latencies, errors, durationMs, firstError) };
}
