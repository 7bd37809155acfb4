import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/db.js';
import { ATTEMPT_RETENTION_MS, AttemptLog, type AttemptRecord } from './attempt-log.js';

const record = (deliveryId: string, at: number): AttemptRecord => ({
  delivery_id: deliveryId,
  app_id: 'app1',
  attempted_at: at,
  transport: 'http',
  url: 'https://example.com/events',
  outcome: 'retry',
  status_code: 500,
  latency_ms: 1.25,
  error: 'http_500',
  next_attempt_at: at + 30_000,
});

describe('AttemptLog (real SQLite)', () => {
  let dir: string;
  let store: Store;
  const clock = {
    t: 1_763_900_000_000,
    now() {
      return this.t;
    },
  };
  const count = async () =>
    Number(
      (
        await store.db
          .selectFrom('event_delivery_attempts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-attempts-'));
    store = await openStore({ dataDir: dir });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('buffers, writes in batches, and keeps every field', async () => {
    const log = new AttemptLog(store.db, clock, { batchSize: 100, flushDelayMs: 60_000 });
    for (let i = 0; i < 250; i += 1) log.add(record(`d${i}`, clock.t + i));
    // Two full batches were handed to the writer on their own; the rest waits for flush().
    await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(200);
    await log.close();
    expect(await count()).toBe(250);
    const row = await store.db.selectFrom('event_delivery_attempts').selectAll().where('delivery_id', '=', 'd7').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ...record('d7', clock.t + 7), id: expect.stringMatching(/^[0-9a-f]{24}$/) });
  });

  it('drops (and counts) records past its bound instead of growing without limit', async () => {
    const failing = new AttemptLog(store.db, clock, { maxBuffered: 3, flushDelayMs: 60_000 });
    for (let i = 0; i < 5; i += 1) failing.add(record('bounded', clock.t));
    expect(failing.dropped).toBe(2);
    await failing.close();
  });

  it('prunes attempts older than the retention', async () => {
    await store.db.deleteFrom('event_delivery_attempts').execute();
    const log = new AttemptLog(store.db, clock, { pruneEveryMs: 0 });
    log.add(record('old', clock.t - ATTEMPT_RETENTION_MS - 1));
    log.add(record('recent', clock.t - ATTEMPT_RETENTION_MS + 1));
    await log.flush();
    // Pruning runs after the batch is written: the old one is gone in the same flush.
    log.add(record('new', clock.t));
    await log.close();
    const left = await store.db.selectFrom('event_delivery_attempts').select('delivery_id').orderBy('id').execute();
    expect(left.map((r) => r.delivery_id).sort()).toEqual(['new', 'recent']);
  });
});
