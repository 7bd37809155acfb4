import { json } from './lib/json-request.js';
import { runLoad } from './lib/load.js';
import { DEMO_PASSWORD, type DialectName, postgresUnreachable, startBenchPlatform, withServerCpu } from './lib/platform.js';
import type { Scenario } from './run.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
/** The bar from the platform brief: SQLite must carry a busy team's posts on one node. */
const SQLITE_MIN_POSTS_PER_S = 5_000;
const MAX_P99_MS = 20;

export const description = `POST /v1/channels/{general}/messages as alice, ${CONNECTIONS} concurrent clients`;

/** Signs alice in once (login is rate-limited) and finds #general. */
async function prepare(url: string): Promise<{ token: string; channelId: string }> {
  const { token } = await json<{ token: string }>(
    `${url}/v1/auth/login`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }) },
    200,
  );
  const channels = await json<{ channel: { id: string; name: string } }[]>(`${url}/v1/channels`, { headers: { authtoken: token } }, 200);
  const general = channels.find((entry) => entry.channel.name === 'general');
  if (!general) throw new Error('the demo workspace has no #general');
  return { token, channelId: general.channel.id };
}

async function runOn(dialect: DialectName): Promise<Scenario> {
  const targets = { minThroughput: dialect === 'sqlite' ? SQLITE_MIN_POSTS_PER_S : undefined, maxP99Ms: MAX_P99_MS };
  const platform = await startBenchPlatform(dialect);
  try {
    const { token, channelId } = await prepare(platform.url);
    const headers = { authtoken: token, 'content-type': 'application/json' };
    const path = `/v1/channels/${channelId}/messages`;
    const { value: result, serverCpuPercent } = await withServerCpu(platform, () =>
      runLoad({
        url: platform.url,
        connections: CONNECTIONS,
        warmupMs: WARMUP_SECONDS * 1000,
        durationMs: SECONDS * 1000,
        expectStatus: 201,
        // Distinct texts, so nothing downstream can get away with caching one body.
        request: (n) => ({ method: 'POST', path, headers, body: `{"text":"bench message ${n}"}` }),
      }),
    );
    return { variant: dialect, connections: CONNECTIONS, targets, result, serverCpuPercent };
  } finally {
    await platform.stop();
  }
}

/** BENCH_DB=sqlite (or postgres) runs one store only, e.g. while iterating on a fix. */
const ONLY = process.env.BENCH_DB;

export async function run(): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  if (ONLY !== 'postgres') scenarios.push(await runOn('sqlite'));
  if (ONLY === 'sqlite') return scenarios;
  const unreachable = await postgresUnreachable();
  if (unreachable) {
    console.warn(`[bench chat-post] PostgreSQL unreachable (${unreachable}): the postgres run is SKIPPED.`);
    scenarios.push({ variant: 'postgres', connections: CONNECTIONS, targets: { maxP99Ms: MAX_P99_MS }, skipped: unreachable });
  } else {
    scenarios.push(await runOn('postgres'));
  }
  return scenarios;
}
