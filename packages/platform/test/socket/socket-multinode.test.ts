import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema } from '../../src/index.js';
import type { RegisteredApp } from '../apps/oauth-dance.js';
import { call, hasPostgres, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { installSocketApp, RawSocketApp, until } from './socket-app.js';

const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

describe.runIf(await hasPostgres())('socket mode on two PostgreSQL nodes', () => {
  const schema = `t_socket_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let a: TestPlatform;
  let b: TestPlatform;
  let alice: Session;
  let bobOnB: Session;
  let app: RegisteredApp;
  let general: string;
  let client: RawSocketApp | undefined;

  beforeAll(async () => {
    a = await startPlatform({ dialect: 'postgres', pgSchema: schema, keepData: true });
    b = await startPlatform({ dialect: 'postgres', pgSchema: schema, keepData: true, seedDemo: false });
    alice = await login(a.url, 'alice@example.com');
    bobOnB = await login(b.url, 'bob@example.com');
    ({ app, general } = await installSocketApp(a.url, alice));
  });
  afterAll(async () => {
    client?.close();
    await b?.stop();
    await a?.stop();
    await dropPostgresSchema(POSTGRES_URL, schema);
  });

  it('an app connected to node A gets, in order, the events produced on node B', async () => {
    client = await RawSocketApp.connect(a.url, app, { acks: true, onFrame: () => ({ status: 200 }) });
    for (let i = 0; i < 20; i += 1) await call(b.url, bobOnB.token, 'POST', `/v1/channels/${general}/messages`, { text: `from b ${i}` });
    await until(() => client!.messageTexts().length >= 20, 'twenty events from node B', 15_000);
    expect(client.messageTexts()).toEqual(Array.from({ length: 20 }, (_, i) => `from b ${i}`));
  }, 30_000);
});
