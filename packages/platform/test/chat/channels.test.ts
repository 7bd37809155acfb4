import type { ChannelInfo } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';

interface ErrorBody {
  code: string;
  message: string;
}

for (const dialect of await dialects()) {
  describe(`channels (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let carol: Session;
    let generalId: string;
    let seq = 0;

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      const added = await call(t.url, alice.token, 'POST', '/v1/workspaceUsers', { email: 'carol@example.com', name: 'Carol', password: 'carol-password' });
      expect(added.status).toBe(201);
      carol = await login(t.url, 'carol@example.com', 'carol-password');
      const list = await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels');
      generalId = list.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    });
    afterAll(async () => t?.stop());

    const api = <T = ChannelInfo>(who: Session, method: string, path: string, body?: unknown) => call<T>(t.url, who.token, method, path, body);
    const create = async (who: Session, type: 'PUBLIC' | 'PRIVATE', extra: Record<string, unknown> = {}) => {
      seq += 1;
      const res = await api(who, 'POST', '/v1/channels', { name: `${type.toLowerCase()}-${seq}`, type, ...extra });
      expect(res.status).toBe(201);
      return res.body.channel.id;
    };
    const listIds = async (who: Session, query = '') => (await api<ChannelInfo[]>(who, 'GET', `/v1/channels${query}`)).body.map((c) => c.channel.id);
    const memberRows = (channelId: string) =>
      t.platform.services.store.db.selectFrom('channel_members').select('user_id').where('channel_id', '=', channelId).orderBy('user_id').execute();
    const expectError = (res: { status: number; body: unknown }, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect((res.body as ErrorBody).code).toBe(code);
    };

    it('creates public and private channels with normalised names', async () => {
      const pub = await api(alice, 'POST', '/v1/channels', { name: '#Design Team', type: 'PUBLIC', description: 'Pixels' });
      expect(pub.status).toBe(201);
      expect(pub.body).toEqual({
        channel: {
          id: expect.any(String),
          workspaceId: alice.workspaceId,
          channelType: 'PUBLIC',
          name: 'design-team',
          description: 'Pixels',
          isMember: true,
          isArchived: false,
          isMuted: false,
          isHidden: false,
          postingPermissions: { allowThreads: true, allowMentions: true, postingPermissionsGroup: 'EVERYONE', workspaceUserIds: [] },
          desktopNotificationPreferences: 'ALL',
          mobileNotificationPreferences: 'ALL',
        },
        users: [alice.workspaceUserId],
      });
      const priv = await api(alice, 'POST', '/v1/channels', { name: 'secret-plans', type: 'PRIVATE', userIds: [bob.workspaceUserId, 'no-such-user'] });
      expect(priv.body.channel.channelType).toBe('PRIVATE');
      expect(priv.body.users).toEqual([alice.workspaceUserId, bob.workspaceUserId]);

      const row = await t.platform.services.store.db.selectFrom('channels').selectAll().where('id', '=', priv.body.channel.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ type: 'PRIVATE', name: 'secret-plans', created_by: alice.workspaceUserId, is_archived: 0, direct_key: null });
      expect((await memberRows(priv.body.channel.id)).map((r) => r.user_id)).toEqual([alice.workspaceUserId, bob.workspaceUserId].sort());
    });

    it('refuses a duplicate name (409) and a name with no usable characters (400)', async () => {
      await create(alice, 'PUBLIC', { name: 'launch' });
      expectError(await api(bob, 'POST', '/v1/channels', { name: 'Launch', type: 'PRIVATE' }), 409, 'already_exists');
      expectError(await api(bob, 'POST', '/v1/channels', { name: 'general' }), 409, 'already_exists');
      expectError(await api(bob, 'POST', '/v1/channels', { name: 'what?!' }), 400, 'validation_failed');
      expectError(await api(bob, 'POST', '/v1/channels', { name: '   ' }), 400, 'validation_failed');
      expectError(await api(bob, 'POST', '/v1/channels', { name: 'x', type: 'DIRECT' }), 400, 'validation_failed');
    });

    it('hides a private channel from non-members in the list and behind 404s', async () => {
      const secret = await create(alice, 'PRIVATE');
      const open = await create(alice, 'PUBLIC');
      const bobSees = await api<ChannelInfo[]>(bob, 'GET', '/v1/channels');
      expect(bobSees.body.map((c) => c.channel.id)).not.toContain(secret);
      expect(bobSees.body.find((c) => c.channel.id === open)?.channel.isMember).toBe(false);
      expect(bobSees.body.find((c) => c.channel.id === generalId)?.channel.isMember).toBe(true);
      expect(await listIds(alice, '?types=PRIVATE')).toContain(secret);
      expect(await listIds(alice, '?types=PUBLIC')).not.toContain(secret);
      expectError(await api(alice, 'GET', '/v1/channels?types=PUBLIC,BOGUS'), 400, 'validation_failed');

      for (const [method, path, body] of [
        ['GET', `/v1/channels/${secret}`, undefined],
        ['GET', `/v1/channels/${secret}/messages`, undefined],
        ['POST', `/v1/channels/${secret}/messages`, { text: 'let me in' }],
        ['POST', `/v1/channels/${secret}/join`, undefined],
        ['POST', `/v1/channels/${secret}/users`, { userIds: [bob.workspaceUserId] }],
        ['POST', `/v1/channels/${secret}/leave`, undefined],
        ['POST', `/v1/channels/${secret}/archive`, undefined],
      ] as const) {
        expectError(await api(bob, method, path, body), 404, 'not_found');
      }
      // Same answer as for a channel that does not exist at all: nothing leaks.
      expect((await api<ErrorBody>(bob, 'GET', `/v1/channels/${secret}`)).body).toEqual((await api(bob, 'GET', '/v1/channels/000000000000000000000000')).body);
    });

    it('lets people join a public channel (idempotently) but not a private one', async () => {
      const open = await create(alice, 'PUBLIC');
      const joined = await api(bob, 'POST', `/v1/channels/${open}/join`);
      expect(joined.status).toBe(200);
      expect(joined.body.channel.isMember).toBe(true);
      expect(joined.body.users).toEqual([alice.workspaceUserId, bob.workspaceUserId]);
      expect((await api(bob, 'POST', `/v1/channels/${open}/join`)).body.users).toHaveLength(2);
      expect(await memberRows(open)).toHaveLength(2);
      expectError(await api(bob, 'POST', `/v1/channels/${await create(alice, 'PRIVATE')}/join`), 404, 'not_found');
    });

    it('lets members add people; outsiders and unknown ids are refused', async () => {
      const secret = await create(alice, 'PRIVATE');
      const added = await api(alice, 'POST', `/v1/channels/${secret}/users`, { userIds: [bob.workspaceUserId, bob.workspaceUserId] });
      // Pumble's UsersAddedToChannel: who was actually added (again: nobody).
      expect(added.body).toEqual({ channelId: secret, addedUserIds: [bob.workspaceUserId] });
      expect((await api(alice, 'POST', `/v1/channels/${secret}/users`, { userIds: [bob.workspaceUserId] })).body).toEqual({
        channelId: secret,
        addedUserIds: [],
      });
      expect((await api<ChannelInfo>(alice, 'GET', `/v1/channels/${secret}`)).body.users).toEqual([alice.workspaceUserId, bob.workspaceUserId]);
      expect(await listIds(bob)).toContain(secret);
      expect((await api(bob, 'GET', `/v1/channels/${secret}/messages`)).status).toBe(200);
      expectError(await api(alice, 'POST', `/v1/channels/${secret}/users`, { userIds: ['000000000000000000000000'] }), 404, 'not_found');
      expectError(await api(alice, 'POST', `/v1/channels/${secret}/users`, { userIds: [] }), 400, 'validation_failed');

      const open = await create(alice, 'PUBLIC');
      expectError(await api(carol, 'POST', `/v1/channels/${open}/users`, { userIds: [carol.workspaceUserId] }), 403, 'not_in_channel');
    });

    it('lets people leave; a private channel then disappears for them', async () => {
      const secret = await create(alice, 'PRIVATE', { userIds: [bob.workspaceUserId] });
      const left = await api(bob, 'POST', `/v1/channels/${secret}/leave`);
      expect(left).toEqual({ status: 204, body: null });
      expect((await memberRows(secret)).map((r) => r.user_id)).toEqual([alice.workspaceUserId]);
      expect(await listIds(bob)).not.toContain(secret);
      expectError(await api(bob, 'GET', `/v1/channels/${secret}`), 404, 'not_found');

      const open = await create(alice, 'PUBLIC');
      expectError(await api(bob, 'POST', `/v1/channels/${open}/leave`), 404, 'not_found');
    });

    it('lets only the creator or an admin remove other people', async () => {
      const room = await create(bob, 'PUBLIC');
      await api(alice, 'POST', `/v1/channels/${room}/join`);
      await api(carol, 'POST', `/v1/channels/${room}/join`);
      expectError(await api(carol, 'DELETE', `/v1/channels/${room}/users/${alice.workspaceUserId}`), 403, 'forbidden');
      expect((await api(bob, 'DELETE', `/v1/channels/${room}/users/${carol.workspaceUserId}`)).status).toBe(204);
      // alice is the workspace owner: she may remove even the creator.
      expect((await api(alice, 'DELETE', `/v1/channels/${room}/users/${bob.workspaceUserId}`)).status).toBe(204);
      expect((await memberRows(room)).map((r) => r.user_id)).toEqual([alice.workspaceUserId]);
      expectError(await api(alice, 'DELETE', `/v1/channels/${room}/users/${bob.workspaceUserId}`), 404, 'not_found');
    });

    it('archives a channel: only creator or admin, then no posting or joining', async () => {
      const room = await create(bob, 'PUBLIC');
      await api(carol, 'POST', `/v1/channels/${room}/join`);
      const before = await api(bob, 'POST', `/v1/channels/${room}/messages`, { text: 'last words' });
      expectError(await api(carol, 'POST', `/v1/channels/${room}/archive`), 403, 'forbidden');
      const archived = await api(bob, 'POST', `/v1/channels/${room}/archive`);
      expect(archived.body.channel.isArchived).toBe(true);
      expect(
        (await t.platform.services.store.db.selectFrom('channels').select('is_archived').where('id', '=', room).executeTakeFirstOrThrow()).is_archived,
      ).toBe(1);
      expectError(await api(carol, 'POST', `/v1/channels/${room}/messages`, { text: 'hello?' }), 403, 'channel_archived');
      expectError(await api(alice, 'POST', `/v1/channels/${room}/join`), 403, 'channel_archived');
      const history = await api<{ messages: { id: string }[] }>(carol, 'GET', `/v1/channels/${room}/messages`);
      expect(history.body.messages.map((m) => m.id)).toEqual([(before.body as unknown as { id: string }).id]);
      expectError(await api(alice, 'POST', `/v1/channels/${generalId}/archive`), 403, 'forbidden');
    });

    it('deduplicates 1:1 and group direct channels, whoever opens them', async () => {
      const dm = await api(alice, 'POST', '/v1/channels/direct', { participantIds: [bob.workspaceUserId] });
      expect(dm.status).toBe(200);
      expect(dm.body.channel).toMatchObject({ channelType: 'DIRECT', isMember: true });
      expect(dm.body.channel.name).toBeUndefined();
      expect(dm.body.users).toEqual([alice.workspaceUserId, bob.workspaceUserId].sort());
      expect((await api(alice, 'POST', '/v1/channels/direct', { participantIds: [bob.workspaceUserId] })).body.channel.id).toBe(dm.body.channel.id);
      expect((await api(bob, 'POST', '/v1/channels/direct', { participantIds: [alice.workspaceUserId, bob.workspaceUserId] })).body.channel.id).toBe(
        dm.body.channel.id,
      );
      expect((await api(bob, 'GET', `/v1/channels/direct?participantIds=${alice.workspaceUserId}`)).body.channel.id).toBe(dm.body.channel.id);

      // Opened concurrently by everyone at once: still one channel.
      const group = [alice, bob, carol].map((who) => ({
        who,
        others: [alice, bob, carol].filter((p) => p !== who).map((p) => p.workspaceUserId),
      }));
      const opened = await Promise.all(
        group.flatMap(({ who, others }) => [1, 2].map(() => api(who, 'POST', '/v1/channels/direct', { participantIds: others }))),
      );
      expect(new Set(opened.map((r) => r.body.channel.id)).size).toBe(1);
      expect(opened[0].body.users).toHaveLength(3);
      const rows = await t.platform.services.store.db.selectFrom('channels').select('id').where('type', '=', 'DIRECT').execute();
      expect(rows).toHaveLength(2);

      // GET opens a missing DM too (the Pumble SDK's dmUser posts to whatever GET answers).
      const opened1to1 = await api(carol, 'GET', `/v1/channels/direct?participantIds=${bob.workspaceUserId}`);
      expect(opened1to1.status).toBe(200);
      expect(opened1to1.body.users).toEqual([bob.workspaceUserId, carol.workspaceUserId].sort());
      expect((await t.platform.services.store.db.selectFrom('channels').select('id').where('type', '=', 'DIRECT').execute()).length).toBe(3);
      expectError(await api(carol, 'GET', '/v1/channels/direct?participantIds=000000000000000000000000'), 404, 'not_found');
      expectError(await api(carol, 'POST', '/v1/channels/direct', { participantIds: ['000000000000000000000000'] }), 404, 'not_found');
    });

    it('gives each person one SELF channel', async () => {
      const self = await api(carol, 'POST', '/v1/channels/direct', { participantIds: [] });
      expect(self.body.channel.channelType).toBe('SELF');
      expect(self.body.users).toEqual([carol.workspaceUserId]);
      expect((await api(carol, 'POST', '/v1/channels/direct', { participantIds: [carol.workspaceUserId] })).body.channel.id).toBe(self.body.channel.id);
      expect((await api(carol, 'GET', '/v1/channels/direct')).body.channel.id).toBe(self.body.channel.id);
      expect(await listIds(carol, '?types=SELF')).toEqual([self.body.channel.id]);
      expect(await listIds(alice, '?types=SELF')).not.toContain(self.body.channel.id);
    });

    it('shows a DM only to its members, whose membership is fixed', async () => {
      const dm = (await api(alice, 'POST', '/v1/channels/direct', { participantIds: [bob.workspaceUserId] })).body.channel.id;
      expect(await listIds(bob, '?types=DIRECT')).toContain(dm);
      expect(await listIds(carol)).not.toContain(dm);
      expectError(await api(carol, 'GET', `/v1/channels/${dm}`), 404, 'not_found');
      expectError(await api(carol, 'GET', `/v1/channels/${dm}/messages`), 404, 'not_found');
      expectError(await api(carol, 'POST', `/v1/channels/${dm}/messages`, { text: 'hi' }), 404, 'not_found');
      expectError(await api(carol, 'POST', `/v1/channels/${dm}/join`), 404, 'not_found');
      expectError(await api(alice, 'POST', `/v1/channels/${dm}/users`, { userIds: [carol.workspaceUserId] }), 403, 'forbidden');
      expectError(await api(bob, 'POST', `/v1/channels/${dm}/leave`), 403, 'forbidden');
      expectError(await api(alice, 'POST', `/v1/channels/${dm}/archive`), 403, 'forbidden');
      expect((await api(bob, 'POST', `/v1/channels/${dm}/messages`, { text: 'just us' })).status).toBe(201);
    });
  });
}
