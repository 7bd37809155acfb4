import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, type PgClusterBus } from '../../src/index.js';
import type { RegisteredApp } from '../apps/oauth-dance.js';
import { call, hasPostgres, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { listenRealtime, type RealtimeClient } from '../realtime-client.js';
import { installSocketApp, RawSocketApp, until } from './socket-app.js';

const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
/** Fallback polling an hour away: only LISTEN/NOTIFY can explain any delivery in these tests. */
const NO_POLLING = { deliveryPollIntervalMs: 3_600_000 };
/** NOTIFY takes milliseconds: the median must be well under the default 1 s poll; the max leaves room for a loaded 2-core CI box. */
const PROMPT_MS = 1_000;
const PROMPT_MEDIAN_MS = 250;

describe.runIf(await hasPostgres())('socket mode on two PostgreSQL nodes', () => {
  const schema = `t_socket_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let a: TestPlatform;
  let b: TestPlatform;
  let alice: Session;
  let bobOnB: Session;
  let app: RegisteredApp;
  let general: string;
  let client: RawSocketApp | undefined;
  let bobRealtime: RealtimeClient;

  const postOnB = (text: string) => call<{ outcome?: string }>(b.url, bobOnB.token, 'POST', `/v1/channels/${general}/messages`, { text });
  /** Posts on B and returns ms until the app (on A) has the event. */
  const eventLatency = async (text: string) => {
    const started = performance.now();
    expect((await postOnB(text)).status).toBe(201);
    await until(() => client!.messageTexts().includes(text), `event "${text}"`, 10_000);
    return performance.now() - started;
  };

  beforeAll(async () => {
    a = await startPlatform({ dialect: 'postgres', pgSchema: schema, keepData: true, config: NO_POLLING });
    b = await startPlatform({ dialect: 'postgres', pgSchema: schema, keepData: true, seedDemo: false, config: NO_POLLING });
    alice = await login(a.url, 'alice@example.com');
    bobOnB = await login(b.url, 'bob@example.com');
    ({ app, general } = await installSocketApp(a.url, alice));
    bobRealtime = await listenRealtime(b.url, bobOnB.token);
  });
  afterAll(async () => {
    client?.close();
    bobRealtime?.close();
    await b?.stop();
    await a?.stop();
    await dropPostgresSchema(POSTGRES_URL, schema);
  });

  it('an app connected to node A gets the events produced on node B in order, each within milliseconds (NOTIFY, not polling)', async () => {
    client = await RawSocketApp.connect(a.url, app, {
      acks: true,
      onFrame: (frame) =>
        frame.payload.messageType !== 'SLASH_COMMAND'
          ? { status: 200 }
          : frame.payload.text === 'bad'
            ? { status: 400, message: 'bad input' }
            : frame.payload.text === 'silent'
              ? undefined
              : { status: 200, message: `you said ${frame.payload.text}` },
    });
    const latencies: number[] = [];
    for (let i = 0; i < 12; i += 1) latencies.push(await eventLatency(`from b ${i}`));
    const shown = `latencies ${latencies.map(Math.round).join(' ')}`;
    expect(Math.max(...latencies), shown).toBeLessThan(PROMPT_MS);
    expect([...latencies].sort((x, y) => x - y)[latencies.length >> 1], shown).toBeLessThan(PROMPT_MEDIAN_MS);
    // And a burst: in order, none lost, none twice.
    for (let i = 0; i < 20; i += 1) await postOnB(`burst ${i}`);
    await until(() => client!.messageTexts().length >= 32, 'the burst', 10_000);
    expect(client.messageTexts()).toEqual([...Array.from({ length: 12 }, (_, i) => `from b ${i}`), ...Array.from({ length: 20 }, (_, i) => `burst ${i}`)]);
    // Each ack is recorded (status delivered) shortly after the app got the event.
    const pending = () =>
      b.platform.services.store.db.selectFrom('event_outbox').select('id').where('app_id', '=', app.id).where('status', '<>', 'delivered').execute();
    for (let i = 0; i < 100 && (await pending()).length > 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(await pending()).toEqual([]);
  }, 30_000);

  it('a slash command typed on node B reaches the app connected to node A; ack, nack and offline messages reach the person on B', async () => {
    let started = performance.now();
    expect((await postOnB('/sockbot hello')).body.outcome).toBe('acked');
    expect(performance.now() - started).toBeLessThan(PROMPT_MS);
    const command = client!.frames.find((f) => f.payload.messageType === 'SLASH_COMMAND');
    expect(command?.payload).toMatchObject({ slashCommand: '/sockbot', text: 'hello', userId: bobOnB.workspaceUserId, channelId: general });
    expect((await bobRealtime.next((f) => f.type === 'message.ephemeral')).data.message).toMatchObject({ text: 'you said hello', ephemeral: true });

    expect((await postOnB('/sockbot bad')).body.outcome).toBe('nacked');
    expect((await bobRealtime.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('bad input');

    started = performance.now();
    expect((await postOnB('/sockbot silent')).body.outcome).toBe('offline');
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(2_800);
    expect(waited).toBeLessThan(3_600);
    expect((await bobRealtime.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('Socket bot is down');
    // The origin node removes each request once answered.
    const left = await a.platform.services.store.db.selectFrom('socket_trigger_requests').select('id').execute();
    expect(left).toEqual([]);
  }, 20_000);

  it('the LISTEN connection comes back after being killed, and NOTIFY wakes the node again', async () => {
    const bus = a.platform.services.cluster as PgClusterBus;
    const pid = bus.listenerPid();
    const connects = bus.connects;
    expect(pid).toBeTypeOf('number');
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const killed = await admin.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
      expect(killed.rows[0].ok).toBe(true);
    } finally {
      await admin.end();
    }
    await until(() => bus.connects > connects, 'the listener to reconnect', 5_000);
    expect(bus.listenerPid()).not.toBe(pid);
    expect(await eventLatency('after reconnect')).toBeLessThan(PROMPT_MS);
  }, 15_000);

  it('with the app connected to no node, a command on B gets the offline message at once', async () => {
    client?.close();
    const db = a.platform.services.store.db;
    await until(() => a.platform.services.socketHub.connectionCount(app.id) === 0, 'the connection to close');
    for (let i = 0; i < 100 && (await db.selectFrom('socket_presence').select('node_id').execute()).length > 0; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    expect((await postOnB('/sockbot anyone')).body.outcome).toBe('offline');
    expect(performance.now() - started).toBeLessThan(PROMPT_MS);
    expect((await bobRealtime.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('Socket bot is down');
  }, 15_000);
});
