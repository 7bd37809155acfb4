/**
 * delivery: events delivered per second from a post to local receiving apps that verify every
 * signature (loopback HTTP servers in their own process, lib/receiver-child.ts), with 1 and 4 apps
 * subscribed to NEW_MESSAGE, on SQLite and PostgreSQL (1 node, and 2 nodes on one schema). Apps are
 * registered, installed (OAuth grant) and subscribed through the real API. Latency is receipt time
 * minus the post's send time (both wall-clock, see lib/receivers.ts), matched by message id (`mId`)
 * and app. Loads per configuration: as fast as 32 posting clients go (deliveries/s), over 1 channel
 * and over 32 (ordering lanes are per app and channel, so 1 channel with 4 apps is 4 lanes), and an
 * open loop of 1 000 posts/s on 1 channel (post->receipt p50/p99). Then the slash-command round
 * trip: post `/bench0` -> app acks with a message -> the ephemeral frame arrives on /v1/realtime.
 */

import { appendFileSync } from 'node:fs';
import { type PostLog, type PostTargets, postFor } from './lib/delivery-posting.js';
import { aliceChannels, installApp, type Login, loginAlice } from './lib/delivery-setup.js';
import { type BenchPlatform, type DialectName, postgresUnreachable, startBenchPlatform } from './lib/platform.js';
import { Receivers, wallNow } from './lib/receivers.js';
import { slashRoundTrip } from './lib/slash-round-trip.js';
import { latencyResult } from './lib/stats.js';
import type { Scenario } from './run.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const PACED_RATE = 1_000;
/** A drain gives up once no delivery has arrived for this long; what is still missing then counts as lost. */
const DRAIN_IDLE_MS = 30_000;
const SLASH_ROUNDS = Number(process.env.BENCH_SLASH_ROUNDS ?? 500);
const SQLITE_MIN_DELIVERIES_PER_S = 10_000;
const PACED_MAX_P99_MS = 10;
const SLASH_MAX_P99_MS = 15;
/** Two PostgreSQL nodes must deliver at least this many times what one does. */
const TWO_NODES_MIN_RATIO = 1.6;
/** A file to append `send offset ms<TAB>latency ms` lines to, one per delivery of each phase (finding when the tail happens). */
const LATENCY_DUMP = process.env.BENCH_LATENCY_DUMP;
/** The window of the lane-window variant (SQLite, 4 apps, 1 channel); every other run uses 1. */
const WIDE_LANE_WINDOW = Number(process.env.BENCH_LANE_WINDOW ?? 16);

export const description =
  'NEW_MESSAGE deliveries/s and post->receipt latency to 1 and 4 signature-verifying loopback apps (1 and 32 channels, 1 and 2 PostgreSQL nodes, lane window 1 and 16); slash-command round trip';

/** What the table has no column for; it lands in the JSON and on one console line per phase. */
interface DeliveryDetails {
  nodes: number;
  channels: number;
  laneWindow: number;
  posts: number;
  /** Distinct (message, app) receipts of the measured posts. */
  deliveries: number;
  /** (message, app) pairs not received when deliveries stopped coming for DRAIN_IDLE_MS: lost deliveries. */
  missing: number;
  /** Receipts of a (message, app) already received; none are expected in a run without failures. */
  duplicates: number;
  rejectedSignatures: number;
  /** CPU of each platform node, percent of one core (the `srv cpu` column is their sum). */
  nodeCpuPercent: (number | undefined)[];
  receiverCpuPercent?: number;
}

type DeliveryScenario = Scenario & { delivery?: DeliveryDetails };

interface Phase {
  channels: number;
  nodes: number;
  /** Open loop at PACED_RATE instead of as fast as CONNECTIONS clients go. */
  paced: boolean;
}

/** One deployment: a platform (plus a second node when a phase asks for it), its apps, its phases. */
interface Group {
  dialect: DialectName;
  apps: number;
  laneWindow: number;
  slash: boolean;
  phases: Phase[];
}

/** State shared by a group's phases. */
interface Deployment {
  group: Group;
  nodes: BenchPlatform[];
  receivers: Receivers;
  login: Login;
}

/** Deliveries of the posts in `log` received so far. */
function received(log: PostLog, receivers: Receivers): number {
  let count = 0;
  for (const id of log.sentAt.keys()) for (const at of receivers.byMessage.get(id) ?? []) if (at !== undefined) count += 1;
  return count;
}

async function drain(log: PostLog, receivers: Receivers, apps: number): Promise<void> {
  const expected = log.sentAt.size * apps;
  // The cheap counter first; the exact count only once it could be met (late warm-up receipts count in the first).
  await receivers.waitUntil(() => receivers.deliveries >= expected && received(log, receivers) >= expected, DRAIN_IDLE_MS);
}

/** Latencies (receipt - send) and the window's deliveries/s: deliveries of the posts in the log over first send -> last receipt. */
function measure(log: PostLog, receivers: Receivers, apps: number): { result: NonNullable<Scenario['result']>; missing: number; delivered: number } {
  const latencies: number[] = [];
  const timeline: string[] = [];
  let lastReceipt = log.end;
  let missing = 0;
  for (const [id, sentAt] of log.sentAt) {
    const times = receivers.byMessage.get(id);
    for (let app = 0; app < apps; app += 1) {
      const at = times?.[app];
      if (at === undefined) {
        missing += 1;
        continue;
      }
      latencies.push(at - sentAt);
      if (LATENCY_DUMP) timeline.push(`${(sentAt - log.start).toFixed(1)}\t${(at - sentAt).toFixed(2)}`);
      if (at > lastReceipt) lastReceipt = at;
    }
  }
  if (LATENCY_DUMP) appendFileSync(LATENCY_DUMP, `# start ${log.start.toFixed(1)}\n${timeline.join('\n')}\n`);
  const durationMs = lastReceipt - log.start;
  const { duplicates, rejected } = receivers;
  const errors = log.errors + missing + duplicates + rejected;
  const problem =
    log.firstError ??
    (missing > 0
      ? `${missing} deliveries missing (none arrived for ${DRAIN_IDLE_MS} ms)`
      : duplicates > 0
        ? `${duplicates} duplicate deliveries`
        : rejected > 0
          ? `${rejected} requests with a bad signature`
          : undefined);
  const result = latencyResult(latencies, errors, durationMs, problem);
  return { result, missing, delivered: latencies.length };
}

const percentOf = (cpuMs: number, wallMs: number) => Math.round((100 * cpuMs) / wallMs);

/** One measured load: warm-up (drained, forgotten), the window, the drain; CPU of every process over the window and drain. */
async function runPhase(deployment: Deployment, targets: PostTargets, phase: Phase, variant: string, goals: Scenario['targets']): Promise<DeliveryScenario> {
  const { group, nodes, receivers } = deployment;
  const rate = phase.paced ? PACED_RATE : undefined;
  const warm = await postFor(targets, CONNECTIONS, WARMUP_SECONDS * 1000, rate);
  await drain(warm, receivers, group.apps);
  receivers.reset();
  const startedAt = wallNow();
  const nodesBefore = nodes.map((node) => node.cpuMs());
  const receiversBefore = receivers.cpuMs();
  const ownBefore = process.cpuUsage();
  const log = await postFor(targets, CONNECTIONS, SECONDS * 1000, rate);
  await drain(log, receivers, group.apps);
  const wallMs = wallNow() - startedAt;
  const own = process.cpuUsage(ownBefore);
  const nodeCpuPercent = nodes.map((node, index) => {
    const before = nodesBefore[index];
    const after = node.cpuMs();
    return before !== undefined && after !== undefined ? percentOf(after - before, wallMs) : undefined;
  });
  const receiversAfter = receivers.cpuMs();
  const { result, missing, delivered } = measure(log, receivers, group.apps);
  // The generator now only posts (and matches receipts): the receiving apps have their own process.
  result.clientCpuPercent = percentOf((own.user + own.system) / 1000, wallMs);
  const serverCpu = nodeCpuPercent.every((value) => value !== undefined) ? nodeCpuPercent.reduce((sum, value) => sum + (value ?? 0), 0) : undefined;
  const delivery: DeliveryDetails = {
    nodes: nodes.length,
    channels: phase.channels,
    laneWindow: group.laneWindow,
    posts: log.sentAt.size,
    deliveries: delivered,
    missing,
    duplicates: receivers.duplicates,
    rejectedSignatures: receivers.rejected,
    nodeCpuPercent,
    ...(receiversBefore !== undefined && receiversAfter !== undefined ? { receiverCpuPercent: percentOf(receiversAfter - receiversBefore, wallMs) } : {}),
  };
  receivers.reset();
  const cpu = (value: number | undefined) => (value === undefined ? '-' : `${value}%`);
  console.log(
    `[bench delivery] ${variant}: ${delivery.posts} posts, ${delivered} deliveries (${Math.round(result.throughput)}/s), ${missing} missing, ` +
      `${delivery.duplicates} duplicates; cpu nodes ${nodeCpuPercent.map(cpu).join(' + ')}, receivers ${cpu(delivery.receiverCpuPercent)}, generator ${cpu(result.clientCpuPercent)}`,
  );
  return {
    variant,
    connections: phase.paced ? 0 : CONNECTIONS,
    targets: goals,
    result,
    ...(serverCpu !== undefined ? { serverCpuPercent: serverCpu } : {}),
    delivery,
  };
}

function label(group: Group, phase: Phase): string {
  const nodes = phase.nodes > 1 ? ` ${phase.nodes} nodes` : '';
  const apps = `${group.apps} app${group.apps > 1 ? 's' : ''}`;
  const window = group.laneWindow > 1 ? ` window ${group.laneWindow}` : '';
  const load = phase.paced ? `@${PACED_RATE} posts/s` : 'max';
  return `${group.dialect}${nodes} ${apps} ${phase.channels} ch${window} ${load}`;
}

/** Runs a group's phases on one deployment; `oneNode` collects 1-node max figures for the 2-node ratio. */
async function runGroup(group: Group, oneNode: Map<string, number>): Promise<Scenario[]> {
  const env = { SWITCHBOARD_DELIVERY_LANE_WINDOW: String(group.laneWindow) };
  const receivers = await Receivers.start(group.apps);
  const nodes: BenchPlatform[] = [];
  try {
    nodes.push(await startBenchPlatform(group.dialect, { env }));
    const first = nodes[0].url;
    const login = await loginAlice(first);
    const secrets: string[] = [];
    for (const [index, base] of receivers.urls.entries()) secrets.push(await installApp(first, login, index, base));
    await receivers.setSecrets(secrets);
    const deployment: Deployment = { group, nodes, receivers, login };
    const scenarios: Scenario[] = [];
    for (const phase of group.phases) {
      // Channels first: a node started afterwards reads them (and the apps) from the shared store.
      const channelIds = await aliceChannels(first, login, phase.channels);
      while (nodes.length < phase.nodes) nodes.push(await startBenchPlatform(group.dialect, { env, joining: nodes[0] }));
      const targets: PostTargets = { urls: nodes.slice(0, phase.nodes).map((node) => node.url), token: login.token, channelIds };
      const key = `${group.dialect} ${group.apps} ${phase.channels} ${group.laneWindow}`;
      const goals: Scenario['targets'] = phase.paced
        ? { maxP99Ms: PACED_MAX_P99_MS }
        : group.dialect === 'sqlite' && group.apps === 4 && phase.channels === 1 && group.laneWindow === 1
          ? { minThroughput: SQLITE_MIN_DELIVERIES_PER_S }
          : {};
      const baseline = phase.nodes > 1 && !phase.paced ? oneNode.get(key) : undefined;
      if (baseline !== undefined) goals.minThroughput = Math.ceil(TWO_NODES_MIN_RATIO * baseline);
      const scenario = await runPhase(deployment, targets, phase, label(group, phase), goals);
      const throughput = scenario.result?.throughput ?? 0;
      if (phase.nodes === 1 && !phase.paced) oneNode.set(key, throughput);
      if (baseline !== undefined) scenario.variant += ` (${(throughput / baseline).toFixed(2)}x 1 node)`;
      scenarios.push(scenario);
    }
    if (group.slash) {
      const [general] = await aliceChannels(first, login, 1);
      scenarios.push(
        await slashRoundTrip(first, login, general, { rounds: SLASH_ROUNDS, maxP99Ms: SLASH_MAX_P99_MS, variant: `${group.dialect} slash round trip` }),
      );
    }
    return scenarios;
  } finally {
    // Joined nodes first: the first node's stop drops the shared schema.
    for (const node of nodes.slice(1).reverse()) await node.stop();
    await nodes[0]?.stop();
    await receivers.stop();
  }
}

/** `BENCH_X=1,4` -> [1, 4]; unset -> the default list. */
function counts(name: string, fallback: number[]): number[] {
  const value = process.env[name];
  if (!value) return fallback;
  const list = value.split(',').map((entry) => Number(entry.trim()));
  if (list.some((entry) => !Number.isInteger(entry) || entry < 1)) throw new Error(`${name} must be a comma-separated list of positive integers, got ${value}`);
  return list;
}

/**
 * The default matrix, narrowed by BENCH_DB (sqlite|postgres), BENCH_APPS, BENCH_CHANNELS,
 * BENCH_NODES and BENCH_LOADS (max|paced). 1-node phases run by channel count ascending and 2-node ones descending, so each
 * 2-node max phase directly follows, on the same deployment, the 1-node phase it is compared with.
 */
function plan(dialects: DialectName[]): Group[] {
  const apps = counts('BENCH_APPS', [1, 4]);
  const channels = counts('BENCH_CHANNELS', [1, 32]).sort((a, b) => a - b);
  const nodes = counts('BENCH_NODES', [1, 2]);
  const loads = (process.env.BENCH_LOADS ?? 'max,paced').split(',').map((entry) => entry.trim());
  if (loads.some((entry) => entry !== 'max' && entry !== 'paced')) throw new Error(`BENCH_LOADS must list max and/or paced, got ${process.env.BENCH_LOADS}`);
  const groups: Group[] = [];
  for (const dialect of dialects) {
    for (const [index, appCount] of apps.entries()) {
      const phases: Phase[] = [];
      if (nodes.includes(1))
        for (const channelCount of channels) {
          if (loads.includes('max')) phases.push({ channels: channelCount, nodes: 1, paced: false });
          if (channelCount === 1 && loads.includes('paced')) phases.push({ channels: 1, nodes: 1, paced: true });
        }
      // Two nodes only for PostgreSQL (SQLite is one process), with the most apps asked for.
      if (dialect === 'postgres' && nodes.includes(2) && loads.includes('max') && appCount === Math.max(...apps))
        for (const channelCount of [...channels].reverse()) phases.push({ channels: channelCount, nodes: 2, paced: false });
      const slash = index === 0 && nodes.includes(1);
      if (phases.length > 0 || slash) groups.push({ dialect, apps: appCount, laneWindow: 1, slash, phases });
    }
    if (dialect === 'sqlite' && apps.includes(4) && channels.includes(1) && nodes.includes(1) && loads.includes('max') && WIDE_LANE_WINDOW > 1)
      groups.push({ dialect, apps: 4, laneWindow: WIDE_LANE_WINDOW, slash: false, phases: [{ channels: 1, nodes: 1, paced: false }] });
  }
  return groups;
}

export async function run(): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  const only = process.env.BENCH_DB;
  const dialects: DialectName[] = [];
  if (only !== 'postgres') dialects.push('sqlite');
  if (only !== 'sqlite') {
    const unreachable = await postgresUnreachable();
    if (unreachable) {
      console.warn(`[bench delivery] PostgreSQL unreachable (${unreachable}): the postgres runs are SKIPPED.`);
      scenarios.push({ variant: 'postgres', connections: CONNECTIONS, targets: {}, skipped: unreachable });
    } else dialects.push('postgres');
  }
  const oneNode = new Map<string, number>();
  for (const group of plan(dialects)) scenarios.push(...(await runGroup(group, oneNode)));
  return scenarios;
}
