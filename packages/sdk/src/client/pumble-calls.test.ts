import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startPlatform, type TestPlatform } from '../../../platform/test/harness.js';
import { ALL_SCOPES, createChannel, demoWorkspace, type InstalledApp, installApp, type Workspace } from '../../../platform/test/pumble/sdk-requests.js';
import { ApiClient, SwitchboardApiError } from './index.js';

/** The client calls added for issue 16, each against the real platform, answers checked by the client's own schemas. */
describe('ApiClient against the real platform: Pumble calls of issue 16', () => {
  let t: TestPlatform;
  let ws: Workspace;
  let app: InstalledApp;
  let bot: ApiClient;
  let asAlice: ApiClient;
  beforeAll(async () => {
    t = await startPlatform();
    ws = await demoWorkspace(t);
    app = await installApp(t, ws.alice, 'sdk_calls', ALL_SCOPES);
    bot = new ApiClient({ baseUrl: t.url, auth: { token: app.botToken, appKey: app.app.appKey }, validateResponses: true });
    asAlice = new ApiClient({ baseUrl: t.url, auth: { token: app.userToken, appKey: app.app.appKey }, validateResponses: true });
  });
  afterAll(async () => t?.stop());

  it('posts as the bot where it never joined, threads under the root, and reads replies as an array', async () => {
    const secret = await createChannel(t, ws.alice, 'sdk-secret', 'PRIVATE', [ws.bob.workspaceUserId]);
    const root = await bot.messages.post(secret, 'nightly build');
    const reply = await bot.messages.reply(secret, root.id, 'green');
    expect(reply.threadReplyInfo).toEqual({ rootId: root.id });
    const replies = await asAlice.messages.replies(secret, root.id);
    expect(replies.map((m) => m.text)).toEqual(['green']);
    const fresh = await asAlice.messages.get(secret, root.id);
    expect(fresh.threadRootInfo?.repliesCount).toBe(1);
  });

  it('edits attachments and an ephemeral message it sent, then withdraws the ephemeral', async () => {
    const card = await bot.messages.post(ws.general, { text: 'deploy', attachments: [{ title: 'pending' }] });
    const updated = await bot.messages.editAttachments(ws.general, card.id, [{ title: 'done', color: '#2eb67d' }]);
    expect(updated.attachments).toEqual([{ title: 'done', color: '#2eb67d' }]);
    const note = await bot.messages.postEphemeral(ws.general, 'working…', [ws.alice.workspaceUserId]);
    const edited = await bot.messages.editEphemeral(ws.general, note.id, 'finished', [ws.alice.workspaceUserId]);
    expect(edited).toMatchObject({ id: note.id, text: 'finished', ephemeral: true });
    await bot.messages.deleteEphemeral(ws.general, note.id, [ws.alice.workspaceUserId]);
    const again = await bot.messages.editEphemeral(ws.general, note.id, 'too late', [ws.alice.workspaceUserId]).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(SwitchboardApiError);
  });

  it('adds people to a channel (who was added) and lists direct conversations', async () => {
    const { channel } = await bot.channels.create({ name: 'sdk-room', type: 'PRIVATE' });
    expect(await bot.channels.addUsers(channel.id, [ws.bob.workspaceUserId])).toEqual({ channelId: channel.id, addedUserIds: [ws.bob.workspaceUserId] });
    expect(await bot.channels.addUsers(channel.id, [ws.bob.workspaceUserId])).toEqual({ channelId: channel.id, addedUserIds: [] });
    const dm = await bot.channels.getDirect([ws.bob.workspaceUserId]);
    const direct = await bot.channels.listDirect();
    expect(direct.map((c) => c.channel.id)).toContain(dm.channel.id);
  });

  it('reads user groups, sets the person’s custom status, publishes a home view; calls are not supported', async () => {
    await call(t.url, ws.alice.token, 'POST', '/v1/workspaceUsers/groups', { name: 'Ops', handle: 'ops', workspaceUserIds: [ws.bob.workspaceUserId] });
    const groups = await bot.userGroups.list();
    expect(groups.map((g) => g.handle)).toEqual(['ops']);
    expect((await bot.userGroups.get(groups[0].id)).workspaceUserIds).toEqual([ws.bob.workspaceUserId]);

    const me = await asAlice.users.setCustomStatus({ code: ':rocket:', status: 'Shipping', expiration: 'today', expiresAt: 0, pausedNotifications: false });
    expect(me.customStatus).toMatchObject({ code: ':rocket:', status: 'Shipping', expiration: 'today' });
    expect((await bot.users.get(ws.alice.workspaceUserId)).customStatus?.status).toBe('Shipping');
    await asAlice.users.clearCustomStatus();
    expect((await bot.users.get(ws.alice.workspaceUserId)).customStatus).toBeUndefined();

    const view = await bot.homeViews.publish(ws.bob.workspaceUserId, { blocks: [{ type: 'divider' }] });
    expect(view).toMatchObject({ appId: app.app.id, workspaceUserId: ws.bob.workspaceUserId, isDefault: false });
    const seen = await call<{ blocks: unknown[] }>(t.url, ws.bob.token, 'GET', `/v1/apps/${app.app.id}/homeView`);
    expect(seen.body.blocks).toEqual([{ type: 'divider' }]);

    const failure = await bot.calls.createPermanent().catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 501, code: 'not_supported' });
  });
});
