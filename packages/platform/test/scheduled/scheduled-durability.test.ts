import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelInfo, ScheduledMessage } from '@switchboard/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema } from '../../src/index.js';
import { call, dialects, hasPostgres, login, startPlatform, type TestPlatform } from '../harness.js';
import { eventually } from './eventually.js';

const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

type Row = { id: string; status: string; claim_token: string | null; claimed_until: number | null; last_message_id: string | null };
const scheduledRows = (t: TestPlatform) => t.platform.services.store.db.withTables<{ scheduled_messages: Row }>();
const messagesWith = (t: TestPlatform, text: string) => t.platform.services.store.db.selectFrom('messages').select('id').where('text', '=', text).execute();

async function generalOf(t: TestPlatform, token: string): Promise<string> {
  const list = await call<ChannelInfo[]>(t.url, token, 'GET', '/v1/channels');
  return list.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
}

describe('scheduled messages survive a restart (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-scheduled-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('posts, once, a message that came due while the platform was stopped, and one whose node died mid-claim', async () => {
    const first = await startPlatform({ dataDir, keepData: true, config: { scheduledPollIntervalMs: 50 } });
    const alice = await login(first.url, 'alice@example.com');
    const general = await generalOf(first, alice.token);
    const due = await call<ScheduledMessage>(first.url, alice.token, 'POST', '/v1/messages/scheduled', {
      channelId: general,
      text: 'while you were out',
      sendAt: Date.now() + 700,
    });
    const orphan = await call<ScheduledMessage>(first.url, alice.token, 'POST', '/v1/messages/scheduled', {
      channelId: general,
      text: 'claimed by the dead',
      sendAt: Date.now() + 60_000,
    });
    expect(due.status).toBe(200);
    // A node that claimed this one and died before its post committed (its lease has lapsed).
    await scheduledRows(first)
      .updateTable('scheduled_messages')
      .set({ status: 'sending', claim_token: 'dead-node', claimed_until: Date.now() - 1 } as Partial<Row>)
      .where('id', '=', orphan.body.id)
      .execute();
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(Date.now()).toBeGreaterThan(due.body.sentAt);

    const second = await startPlatform({ dataDir, keepData: true, seedDemo: false, config: { scheduledPollIntervalMs: 50 } });
    try {
      await eventually(
        async () => (await messagesWith(second, 'while you were out')).length > 0 && (await messagesWith(second, 'claimed by the dead')).length > 0,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await messagesWith(second, 'while you were out')).toHaveLength(1);
      expect(await messagesWith(second, 'claimed by the dead')).toHaveLength(1);
      const rows = await scheduledRows(second).selectFrom('scheduled_messages').selectAll().execute();
      expect(rows.map((r) => [r.id, r.status, r.claim_token])).toEqual(
        expect.arrayContaining([
          [due.body.id, 'sent', null],
          [orphan.body.id, 'sent', null],
        ]),
      );
    } finally {
      await second.stop();
    }
  });
});

describe.skipIf(!(await hasPostgres()))('scheduled messages across two PostgreSQL nodes', () => {
  const schema = `t_sched_${process.pid}_${Date.now().toString(36)}`;
  const nodes: TestPlatform[] = [];
  afterAll(async () => {
    for (const node of nodes) await node.stop();
    await dropPostgresSchema(POSTGRES_URL, schema);
  });

  it('posts each due message exactly once while both nodes poll', async () => {
    nodes.push(await startPlatform({ dialect: 'postgres', pgSchema: schema, keepData: true, config: { scheduledPollIntervalMs: 20 } }));
    nodes.push(await startPlatform({ dialect: 'postgres', pgSchema: schema, keepData: true, seedDemo: false, config: { scheduledPollIntervalMs: 20 } }));
    const [a, b] = nodes;
    const alice = await login(a.url, 'alice@example.com');
    const general = await generalOf(a, alice.token);
    const sendAt = Date.now() + 1_500;
    const texts = Array.from({ length: 30 }, (_, i) => `cluster tick ${i}`);
    for (const [i, text] of texts.entries()) {
      const node = i % 2 === 0 ? a : b;
      const res = await call(node.url, alice.token, 'POST', '/v1/messages/scheduled', { channelId: general, text, sendAt });
      expect(res.status).toBe(200);
    }
    await eventually(async () => {
      const rows = await scheduledRows(a).selectFrom('scheduled_messages').select('status').execute();
      return rows.length === texts.length && rows.every((r) => r.status === 'sent');
    }, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const text of texts) expect(await messagesWith(b, text)).toHaveLength(1);
    const rows = await scheduledRows(a).selectFrom('scheduled_messages').selectAll().execute();
    const messageIds = new Set(rows.map((r) => r.last_message_id));
    expect(messageIds.size).toBe(texts.length);
  });
});

for (const dialect of await dialects()) {
  describe(`a scheduled post and its claim commit together (${dialect})`, () => {
    let t: TestPlatform;
    afterAll(async () => t?.stop());

    it('rolls the post back when another node took the row over meanwhile', async () => {
      t = await startPlatform({ dialect });
      const alice = await login(t.url, 'alice@example.com');
      const general = await generalOf(t, alice.token);
      const text = 'taken over';
      const created = await call<ScheduledMessage>(t.url, alice.token, 'POST', '/v1/messages/scheduled', {
        channelId: general,
        text,
        sendAt: Date.now() + 3_600_000,
      });
      // This node claimed it with token "mine"; another node's claim ("theirs") replaced it since.
      await scheduledRows(t)
        .updateTable('scheduled_messages')
        .set({ status: 'sending', claim_token: 'theirs', claimed_until: Date.now() + 60_000 } as Partial<Row>)
        .where('id', '=', created.body.id)
        .execute();
      const { sink } = t.platform.services.scheduled;
      const expected = {
        id: created.body.id,
        token: 'mine',
        channelId: general,
        authorId: alice.workspaceUserId,
        text,
        settlement: { status: 'sent' as const, send_at: created.body.sentAt, occurrences: 1 },
        settled: false,
      };
      sink.expect(expected);
      try {
        const caller = { workspaceId: alice.workspaceId, userId: alice.workspaceUserId, role: 'owner' as const };
        await expect(t.platform.services.messages.post(caller, general, { text })).rejects.toMatchObject({ code: 'conflict' });
      } finally {
        sink.forget(expected);
      }
      expect(await messagesWith(t, text)).toEqual([]);
      expect(
        await scheduledRows(t).selectFrom('scheduled_messages').select(['status', 'claim_token']).where('id', '=', created.body.id).executeTakeFirst(),
      ).toEqual({
        status: 'sending',
        claim_token: 'theirs',
      });
    });
  });
}
