import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMBERSHIP_CACHE_MS } from '../../src/chat/channels/access-cache.js';
import { dropPostgresSchema } from '../../src/index.js';
import { call, hasPostgres, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { ALL_SCOPES, createChannel, type InstalledApp, installApp, sdkCall } from './sdk-requests.js';

const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Nodes sharing one PostgreSQL schema: the ephemeral ledger and posting permissions live in the database. */
describe.runIf(await hasPostgres())('Pumble API rules on two PostgreSQL nodes', () => {
  const schema = `t_pumble_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let a: TestPlatform;
  let b: TestPlatform;
  let alice: Session;
  let bobOnB: Session;
  let app: InstalledApp;
  let general: string;
  beforeAll(async () => {
    a = await startPlatform({ dialect: 'postgres', pgSchema: schema, keepData: true });
    b = await startPlatform({ dialect: 'postgres', pgSchema: schema, keepData: true, seedDemo: false });
    alice = await login(a.url, 'alice@example.com');
    bobOnB = await login(b.url, 'bob@example.com');
    app = await installApp(a, alice, 'two_nodes', ALL_SCOPES);
    const channels = await call<{ channel: { id: string; name: string } }[]>(a.url, alice.token, 'GET', '/v1/channels');
    general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await dropPostgresSchema(POSTGRES_URL, schema);
  });

  it('an ephemeral sent through node A is edited and withdrawn through node B by its sender only', async () => {
    const sent = await sdkCall<{ id: string }>(a.url, app.botToken, app.app.appKey, {
      method: 'POST',
      path: `/v1/channels/${general}/messages`,
      data: { text: 'v1', ephemeral: { sendToUsers: [alice.workspaceUserId, bobOnB.workspaceUserId] } },
    });
    const path = `/v1/channels/${general}/messages/${sent.body.id}`;
    expect((await call(b.url, bobOnB.token, 'DELETE', `${path}/ephemeral`, { deleteForUsers: [alice.workspaceUserId] })).status).toBe(403);
    const edited = await sdkCall(b.url, app.botToken, app.app.appKey, {
      method: 'PUT',
      path,
      data: { text: 'v2', ephemeral: { sendToUsers: [alice.workspaceUserId] } },
    });
    expect(edited.status).toBe(200);
    const withdrawn = await sdkCall(b.url, app.botToken, app.app.appKey, {
      method: 'DELETE',
      path: `${path}/ephemeral`,
      data: { deleteForUsers: [alice.workspaceUserId] },
    });
    expect(withdrawn.status).toBe(204);
  });

  it('posting permissions set on node A bind the bot on node B within the cache bound', async () => {
    const news = await createChannel(a, alice, 'two-node-news', 'PUBLIC');
    // Node B has read (and cached) the open permissions.
    expect(
      (await sdkCall(b.url, app.botToken, app.app.appKey, { method: 'POST', path: `/v1/channels/${news}/messages`, data: { text: 'before' } })).status,
    ).toBe(201);
    expect((await call(a.url, alice.token, 'PUT', `/v1/channels/${news}/postingPermissions`, { postingPermissionsGroup: 'ADMINS' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, MEMBERSHIP_CACHE_MS + 100));
    const refused = await sdkCall<{ code: string }>(b.url, app.botToken, app.app.appKey, {
      method: 'POST',
      path: `/v1/channels/${news}/messages`,
      data: { text: 'after' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('posting_restricted');
  });
});
