/**
 * The delivery benchmark's posting side: Alice's posts spread over the platform nodes (each
 * posting connection talks to one node) and over the channels (post n goes to channel n mod N).
 */
import { Pool } from 'undici';
import { wallNow } from './receivers.js';

export interface PostTargets {
  /** One origin per platform node. */
  urls: string[];
  token: string;
  channelIds: string[];
}

export interface PostLog {
  /** message id -> send time (wall-clock ms, see wallNow). */
  sentAt: Map<string, number>;
  errors: number;
  firstError?: string;
  start: number;
  end: number;
}

/**
 * Posts for `durationMs`: `rate` undefined = closed loop of `connections` clients as fast as they
 * go (client i on node i mod nodes); else an open loop at `rate` posts/s, round-robin over the
 * nodes (latency then is not hidden by the generator's own queue).
 */
export async function postFor(targets: PostTargets, connections: number, durationMs: number, rate?: number): Promise<PostLog> {
  const perNode = Math.max(1, Math.ceil(connections / targets.urls.length));
  const pools = targets.urls.map((url) => new Pool(url, { connections: perNode, pipelining: 1, keepAliveTimeout: 60_000 }));
  const log: PostLog = { sentAt: new Map(), errors: 0, start: wallNow(), end: 0 };
  const headers = { authtoken: targets.token, 'content-type': 'application/json' };
  const paths = targets.channelIds.map((id) => `/v1/channels/${id}/messages`);
  let n = 0;
  const postOne = async (pool: Pool) => {
    const t0 = wallNow();
    const index = n++;
    try {
      const response = await pool.request({ path: paths[index % paths.length], method: 'POST', headers, body: `{"text":"delivery bench ${index}"}` });
      const text = await response.body.text();
      if (response.statusCode !== 201) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
      log.sentAt.set((JSON.parse(text) as { id: string }).id, t0);
    } catch (error) {
      log.errors += 1;
      log.firstError ??= String(error);
    }
  };
  const stopAt = log.start + durationMs;
  try {
    if (rate === undefined) {
      await Promise.all(
        Array.from({ length: connections }, async (_, client) => {
          const pool = pools[client % pools.length];
          while (wallNow() < stopAt) await postOne(pool);
        }),
      );
    } else {
      const pending = new Set<Promise<void>>();
      const interval = 1000 / rate;
      let next = log.start;
      let sent = 0;
      while (next < stopAt) {
        // Catch up in a burst after a late timer, so the offered rate stays `rate` on average.
        while (next <= wallNow() && next < stopAt) {
          const p: Promise<void> = postOne(pools[sent++ % pools.length]).finally(() => pending.delete(p));
          pending.add(p);
          next += interval;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - wallNow())));
      }
      await Promise.all([...pending]);
    }
  } finally {
    log.end = wallNow();
    await Promise.all(pools.map((pool) => pool.close()));
  }
  return log;
}
