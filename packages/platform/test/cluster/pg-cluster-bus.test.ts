import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelFor, PgClusterBus } from '../../src/cluster/index.js';
import { hasPostgres } from '../harness.js';
import { until } from '../socket/socket-app.js';

const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

describe.runIf(await hasPostgres())('PgClusterBus (LISTEN/NOTIFY)', () => {
  const schema = `t_bus_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: POSTGRES_URL, max: 2 }) }) });
  const bus = (nodeId: string, forSchema = schema) => new PgClusterBus({ db, connectionString: POSTGRES_URL, schema: forSchema, nodeId, coalesceMs: 50 });
  const a = bus('node-a');
  const b = bus('node-b');
  const elsewhere = bus('node-c', `${schema}_other`);
  const heard = { a: [] as string[], b: [] as string[], elsewhere: [] as string[] };

  beforeAll(async () => {
    a.on('outbox', (m) => heard.a.push(m.n));
    b.on('outbox', (m) => heard.b.push(m.n));
    elsewhere.on('outbox', (m) => heard.elsewhere.push(m.n));
    await Promise.all([a.start(), b.start(), elsewhere.start()]);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop(), elsewhere.stop()]);
    await db.destroy();
  });

  it('coalesces a burst of announcements into one message now and one after the window; only nodes of the same schema hear it, never the sender', async () => {
    for (let i = 0; i < 1_000; i += 1) a.announce('outbox');
    await until(() => heard.b.length >= 1, 'the first message');
    await new Promise((r) => setTimeout(r, 200));
    // The first call goes out at once, the 999 others within the window become one trailing message.
    expect(heard.b).toEqual(['node-a', 'node-a']);
    expect(heard.a).toEqual([]);
    expect(heard.elsewhere).toEqual([]);
    // After the window a single announcement goes out at once again.
    a.announce('outbox');
    await until(() => heard.b.length === 3, 'the next message');
  });

  it('derives a channel per schema, hashed past 63 bytes', () => {
    expect(channelFor('t_1')).toBe('switchboard_t_1');
    const long = channelFor('x'.repeat(60));
    expect(long).toMatch(/^switchboard_[0-9a-f]{40}$/);
    expect(long.length).toBeLessThanOrEqual(63);
  });

  it('refuses a message too large for NOTIFY instead of sending it', async () => {
    await expect(a.send('big', { blob: 'x'.repeat(9_000) })).rejects.toThrow(/too large/);
  });
});
