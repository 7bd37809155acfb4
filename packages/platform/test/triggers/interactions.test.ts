import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCall } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { AppReceiver, type Received } from './app-receiver.js';
import { type InteractiveApp, installInteractiveApp, listenAs } from './trigger-setup.js';

interface OpenViewBody {
  id: string;
  rootId: string;
  parentId: string | null;
  view: { callbackId?: string; blocks: unknown[]; state: { values: Record<string, Record<string, unknown>> } };
  errors?: Record<string, string>;
}
interface Result {
  outcome: string;
  triggerId: string;
  appId: string;
  view?: OpenViewBody;
  closedViewIds?: string[];
  errors?: Record<string, string>;
  loadingTimeout?: number;
  code?: string;
}

const MESSAGE_BLOCKS = [
  { type: 'section', text: 'Deploy?' },
  {
    type: 'actions',
    blockId: 'deploy',
    elements: [
      { type: 'button', onAction: 'go', value: 'prod', text: 'Go' },
      { type: 'button', onAction: 'quick', value: 'fast', text: 'Quick', loadingTimeout: 2500 },
      {
        type: 'static_select_menu',
        onAction: 'env',
        options: [
          { text: 'Staging', value: 'staging' },
          { text: 'Prod', value: 'prod' },
        ],
      },
      { type: 'dynamic_select_menu', onAction: 'pick_project' },
    ],
  },
];
const FORM_VIEW = {
  type: 'MODAL',
  callbackId: 'deploy_form',
  title: 'Deploy',
  notifyOnClose: true,
  blocks: [
    { type: 'input', blockId: 'reason', element: { type: 'plain_text_input', onAction: 'reason_text' }, label: 'Why' },
    { type: 'actions', blockId: 'more', elements: [{ type: 'button', onAction: 'details', value: 'd' }] },
  ],
};

for (const dialect of await dialects()) {
  describe(`block interactions, views and dynamic menus (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let receiver: AppReceiver;
    let it_: InteractiveApp;
    let messageId: string;

    const act = (who: Session, body: unknown) => call<Result>(t.url, who.token, 'POST', '/v1/interactions/blocks', body);
    const complete = (body: unknown) => appCall<{ code?: string }>(t.url, it_.botToken, it_.app.appKey, 'POST', '/v1/interactions/complete', body);
    const modal = (r: Received, action: string, view: unknown) => ({ status: 200, body: { triggerId: r.body.triggerId, viewType: 'NATIVE', action, view } });
    const openForm = async (): Promise<OpenViewBody> => {
      receiver.answer = (r) => modal(r, 'OPEN', FORM_VIEW);
      const res = await call<Result>(t.url, alice.token, 'POST', '/v1/shortcuts/invoke', { appId: it_.app.id, name: 'say_hi', channelId: it_.general });
      if (!res.body.view) throw new Error(`no view: ${JSON.stringify(res.body)}`);
      return res.body.view;
    };

    beforeAll(async () => {
      t = await startPlatform({ dialect, config: { triggerTimeoutMs: 400, interactionLoadingTimeoutMs: 5_000 } });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      receiver = new AppReceiver(() => it_.app.signingSecret);
      it_ = await installInteractiveApp(t.url, alice, await receiver.start());
      const posted = await appCall<{ id: string }>(t.url, it_.botToken, it_.app.appKey, 'POST', `/v1/channels/${it_.general}/messages`, {
        text: 'Deploy?',
        blocks: MESSAGE_BLOCKS,
      });
      messageId = posted.body.id;
    });
    afterAll(async () => {
      await t?.stop();
      await receiver?.stop();
    });

    it("a button on the bot's message: the exact BLOCK_INTERACTION payload, the button's own value", async () => {
      receiver.answer = () => ({ status: 200, body: { message: 'deploying' } });
      const aliceWs = await listenAs(t.url, alice.token);
      const res = await act(alice, { sourceType: 'MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'go', value: 'forged' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ outcome: 'acked', triggerId: expect.any(String), appId: it_.app.id, loadingTimeout: 5000 });
      const got = await receiver.waitFor((r) => r.body.triggerId === res.body.triggerId);
      expect(got.path).toBe('/blocks');
      expect(got.body).toEqual({
        messageType: 'BLOCK_INTERACTION',
        workspaceId: alice.workspaceId,
        userId: alice.workspaceUserId,
        channelId: it_.general,
        sourceType: 'MESSAGE',
        sourceId: messageId,
        actionType: 'BUTTON',
        onAction: 'go',
        payload: '{"value":"prod"}',
        triggerId: res.body.triggerId,
        loadingTimeout: 5000,
      });
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message).toMatchObject({ text: 'deploying', author: it_.botId });
      // The element's own loadingTimeout wins over the platform default.
      const quick = await act(alice, { sourceType: 'MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'quick' });
      expect(quick.body.loadingTimeout).toBe(2500);
      expect((await receiver.waitFor((r) => r.body.triggerId === quick.body.triggerId)).body.loadingTimeout).toBe(2500);
      expect(receiver.rejected).toEqual([]);
      aliceWs.close();
    });

    it('a select must offer the value; unknown elements, hidden or non-app messages are 404; bad input 400', async () => {
      receiver.answer = () => ({ status: 200, body: {} });
      const picked = await act(alice, { sourceType: 'MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'env', value: 'staging' });
      const got = await receiver.waitFor((r) => r.body.triggerId === picked.body.triggerId);
      expect(got.body).toMatchObject({ actionType: 'STATIC_SELECT_MENU', onAction: 'env', payload: '{"value":"staging"}' });
      const notOffered = await act(alice, { sourceType: 'MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'env', value: 'dev' });
      expect([notOffered.status, notOffered.body.code]).toEqual([400, 'validation_failed']);
      const unknown = await act(alice, { sourceType: 'MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'nope' });
      expect([unknown.status, unknown.body.code]).toEqual([404, 'not_found']);
      const wrongBlock = await act(alice, { sourceType: 'MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'go', blockId: 'other' });
      expect(wrongBlock.status).toBe(404);
      // A person's own message with the same blocks is not the app's.
      const own = await call<{ id: string }>(t.url, alice.token, 'POST', `/v1/channels/${it_.general}/messages`, { text: 'copy', blocks: MESSAGE_BLOCKS });
      expect((await act(alice, { sourceType: 'MESSAGE', sourceId: own.body.id, channelId: it_.general, onAction: 'go' })).status).toBe(404);
      // The bot's message in a private channel bob is not in: bob cannot see it, so cannot click it.
      const secret = await call<{ channel: { id: string } }>(t.url, alice.token, 'POST', '/v1/channels', { name: 'alice-and-bot', type: 'PRIVATE' });
      await call(t.url, alice.token, 'POST', `/v1/channels/${secret.body.channel.id}/users`, { userIds: [it_.botId] });
      const hidden = await appCall<{ id: string }>(t.url, it_.botToken, it_.app.appKey, 'POST', `/v1/channels/${secret.body.channel.id}/messages`, {
        text: 'private',
        blocks: MESSAGE_BLOCKS,
      });
      const before = receiver.received.length;
      const bobTry = await act(bob, { sourceType: 'MESSAGE', sourceId: hidden.body.id, channelId: secret.body.channel.id, onAction: 'go' });
      expect([bobTry.status, bobTry.body.code]).toEqual([404, 'not_found']);
      const aliceOk = await act(alice, { sourceType: 'MESSAGE', sourceId: hidden.body.id, channelId: secret.body.channel.id, onAction: 'go' });
      expect(aliceOk.body.outcome).toBe('acked');
      expect(receiver.received.length).toBe(before + 1);
      for (const [body, status] of [
        [{ sourceType: 'MESSAGE', sourceId: messageId, onAction: 'go' }, 400],
        [{ sourceType: 'NOTE', sourceId: messageId, channelId: it_.general, onAction: 'go' }, 400],
        [{ sourceType: 'EPHEMERAL_MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'go' }, 404],
        [{ sourceType: 'EPHEMERAL_MESSAGE', sourceId: messageId, onAction: 'go' }, 400],
        [{ sourceType: 'MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'go', state: { values: {} } }, 400],
      ] as const) {
        expect((await act(alice, body)).status, JSON.stringify(body)).toBe(status);
      }
    });

    it('an ephemeral message of the bot is clickable by its recipients only, until withdrawn', async () => {
      receiver.answer = () => ({ status: 200, body: {} });
      const eph = await appCall<{ id: string }>(t.url, it_.botToken, it_.app.appKey, 'POST', `/v1/channels/${it_.general}/messages`, {
        text: 'only you',
        blocks: MESSAGE_BLOCKS,
        ephemeral: { sendToUsers: [alice.workspaceUserId] },
      });
      expect(eph.status).toBe(201);
      const source = { sourceType: 'EPHEMERAL_MESSAGE', sourceId: eph.body.id, channelId: it_.general };
      const res = await act(alice, { ...source, onAction: 'go' });
      expect(res.body.outcome).toBe('acked');
      expect((await receiver.waitFor((r) => r.body.triggerId === res.body.triggerId)).body).toEqual({
        messageType: 'BLOCK_INTERACTION',
        workspaceId: alice.workspaceId,
        userId: alice.workspaceUserId,
        channelId: it_.general,
        sourceType: 'EPHEMERAL_MESSAGE',
        sourceId: eph.body.id,
        actionType: 'BUTTON',
        onAction: 'go',
        payload: '{"value":"prod"}',
        triggerId: res.body.triggerId,
        loadingTimeout: 5000,
      });
      expect((await act(bob, { ...source, onAction: 'go' })).status).toBe(404);
      expect((await act(alice, { ...source, channelId: 'other', onAction: 'go' })).status).toBe(404);
      const withdrawn = await appCall(t.url, it_.botToken, it_.app.appKey, 'DELETE', `/v1/channels/${it_.general}/messages/${eph.body.id}/ephemeral`, {
        deleteForUsers: [alice.workspaceUserId],
      });
      expect(withdrawn.status).toBeLessThan(300);
      expect((await act(alice, { ...source, onAction: 'go' })).status).toBe(404);
    });

    it('POST /v1/interactions/complete ends the loading state for the person; checked, idempotent, apps only', async () => {
      receiver.answer = () => ({ status: 200, body: {} });
      const aliceWs = await listenAs(t.url, alice.token);
      const res = await act(alice, { sourceType: 'MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'go' });
      const body = { channelId: it_.general, sourceId: messageId, sourceType: 'MESSAGE', triggerId: res.body.triggerId };
      expect((await complete({ ...body, sourceId: 'ffffffffffffffffffffffff' })).status).toBe(400);
      expect((await complete({ ...body, triggerId: 'unknown' })).status).toBe(404);
      expect((await call(t.url, alice.token, 'POST', '/v1/interactions/complete', body)).status).toBe(403);
      expect((await complete({ sourceId: messageId })).status).toBe(400);
      const done = await complete(body);
      expect([done.status, done.body]).toEqual([200, {}]);
      expect((await aliceWs.next((f) => f.type === 'interaction.completed')).data).toEqual({
        triggerId: res.body.triggerId,
        sourceType: 'MESSAGE',
        sourceId: messageId,
        channelId: it_.general,
      });
      expect((await complete(body)).status).toBe(200);
      const row = await t.platform.services.store.db
        .selectFrom('trigger_interactions')
        .selectAll()
        .where('trigger_id', '=', res.body.triggerId)
        .executeTakeFirstOrThrow();
      expect(row.completed_at).toEqual(expect.any(Number));
      expect(aliceWs.frames.filter((f) => f.type === 'interaction.completed')).toEqual([]);
      aliceWs.close();
    });

    it('views: a click inside a view carries the view and saved state; UPDATE and PUSH replies; bob cannot touch it', async () => {
      const form = await openForm();
      receiver.answer = (r) => modal(r, 'PUSH', { type: 'MODAL', callbackId: 'details', blocks: [] });
      const state = { values: { reason: { reason_text: 'hotfix' } } };
      const clicked = await act(alice, { sourceType: 'VIEW', sourceId: form.id, onAction: 'details', state });
      const got = await receiver.waitFor((r) => r.body.triggerId === clicked.body.triggerId);
      expect(got.body).toEqual({
        messageType: 'BLOCK_INTERACTION',
        workspaceId: alice.workspaceId,
        userId: alice.workspaceUserId,
        channelId: it_.general,
        sourceType: 'VIEW',
        sourceId: form.id,
        actionType: 'BUTTON',
        onAction: 'details',
        payload: '{"value":"d"}',
        view: { ...FORM_VIEW, id: form.id, state },
        triggerId: clicked.body.triggerId,
        loadingTimeout: 5000,
      });
      expect(clicked.body.view).toMatchObject({ parentId: form.id, rootId: form.id, view: { callbackId: 'details' } });
      receiver.answer = (r) => modal(r, 'UPDATE', { type: 'MODAL', callbackId: 'details', title: 'More', blocks: [{ type: 'section', text: 'more' }] });
      const pushedId = clicked.body.view?.id ?? '';
      // bob can neither see nor act on alice's view.
      expect((await act(bob, { sourceType: 'VIEW', sourceId: form.id, onAction: 'details' })).status).toBe(404);
      expect((await call(t.url, bob.token, 'POST', `/v1/views/${form.id}/submit`, { state })).status).toBe(404);
      expect((await call(t.url, bob.token, 'POST', `/v1/views/${form.id}/close`)).status).toBe(404);
      const updated = await act(alice, { sourceType: 'VIEW', sourceId: form.id, onAction: 'details' });
      expect(updated.body.view).toMatchObject({ id: form.id, view: { title: 'More', callbackId: 'details' } });
      // Closing the root closes the view pushed over it; notifyOnClose: the app hears CLOSE.
      receiver.answer = () => ({ status: 200, body: {} });
      const closed = await call<Result>(t.url, alice.token, 'POST', `/v1/views/${form.id}/close`);
      expect(closed.body.closedViewIds?.sort()).toEqual([form.id, pushedId].sort());
      expect((await call(t.url, alice.token, 'GET', `/v1/views/${pushedId}`)).status).toBe(404);
      // The UPDATE replaced the form, which no longer asks to be told about closing.
      expect(receiver.received.some((r) => r.body.triggerId === closed.body.triggerId)).toBe(false);
    });

    it('views: SUBMIT sends VIEW_ACTION with state.values; per-block errors keep it open; an ack closes it', async () => {
      const form = await openForm();
      const aliceWs = await listenAs(t.url, alice.token);
      receiver.answer = () => ({ status: 200, body: { errors: { reason: 'Say why' } } });
      const refused = await call<Result>(t.url, alice.token, 'POST', `/v1/views/${form.id}/submit`, { state: { values: { reason: { reason_text: '' } } } });
      expect(refused.body).toMatchObject({ outcome: 'acked', errors: { reason: 'Say why' }, view: { id: form.id, errors: { reason: 'Say why' } } });
      const first = await receiver.waitFor((r) => r.body.triggerId === refused.body.triggerId);
      expect(first.path).toBe('/views');
      expect(first.body).toEqual({
        messageType: 'VIEW_ACTION',
        workspaceId: alice.workspaceId,
        userId: alice.workspaceUserId,
        channelId: it_.general,
        viewActionType: 'SUBMIT',
        view: { ...FORM_VIEW, id: form.id, state: { values: { reason: { reason_text: '' } } } },
        triggerId: refused.body.triggerId,
      });
      expect((await call(t.url, alice.token, 'GET', `/v1/views/${form.id}`)).status).toBe(200);
      receiver.answer = () => ({ status: 200, body: {} });
      const accepted = await call<Result>(t.url, alice.token, 'POST', `/v1/views/${form.id}/submit`, {
        state: { values: { reason: { reason_text: 'hotfix' } } },
      });
      expect(accepted.body).toMatchObject({ outcome: 'acked', closedViewIds: [form.id] });
      expect((await receiver.waitFor((r) => r.body.triggerId === accepted.body.triggerId)).body.view).toMatchObject({
        state: { values: { reason: { reason_text: 'hotfix' } } },
      });
      expect((await aliceWs.next((f) => f.type === 'view.closed')).data).toEqual({ viewIds: [form.id] });
      expect((await call(t.url, alice.token, 'GET', `/v1/views/${form.id}`)).status).toBe(404);
      const row = await t.platform.services.store.db.selectFrom('trigger_views').selectAll().where('id', '=', form.id).executeTakeFirstOrThrow();
      expect(JSON.parse(row.state)).toEqual({ values: { reason: { reason_text: 'hotfix' } } });
      expect(row.closed_at).toEqual(expect.any(Number));
      aliceWs.close();
    });

    it('views: state naming elements the view lacks is 400; an offline app leaves the view open; CLOSE is sent when asked', async () => {
      const form = await openForm();
      const bad = await call<{ code: string }>(t.url, alice.token, 'POST', `/v1/views/${form.id}/submit`, { state: { values: { reason: { other: 'x' } } } });
      expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
      expect((await call(t.url, alice.token, 'POST', `/v1/views/${form.id}/submit`, { state: 'x' })).status).toBe(400);
      receiver.answer = () => ({ status: 503 });
      const offline = await call<Result>(t.url, alice.token, 'POST', `/v1/views/${form.id}/submit`, { state: { values: {} } });
      expect(offline.body.outcome).toBe('offline');
      expect((await call(t.url, alice.token, 'GET', `/v1/views/${form.id}`)).status).toBe(200);
      receiver.answer = () => ({ status: 200, body: {} });
      const closed = await call<Result>(t.url, alice.token, 'POST', `/v1/views/${form.id}/close`);
      expect(closed.body).toMatchObject({ outcome: 'acked', closedViewIds: [form.id] });
      const got = await receiver.waitFor((r) => r.body.triggerId === closed.body.triggerId);
      expect(got.body).toMatchObject({ messageType: 'VIEW_ACTION', viewActionType: 'CLOSE', view: { id: form.id, callbackId: 'deploy_form' } });
      expect((await call(t.url, alice.token, 'POST', `/v1/views/${form.id}/close`)).status).toBe(404);
    });

    it('dynamic menus: DYNAMIC_MENU with the query; valid options come back; app failures are 200 with an error code', async () => {
      const menu = (body: unknown) =>
        call<{ options: unknown[]; value?: string; error?: { code: string }; code?: string }>(t.url, alice.token, 'POST', '/v1/interactions/menus', body);
      const query = { sourceType: 'MESSAGE', sourceId: messageId, channelId: it_.general, onAction: 'pick_project', query: 'ab' };
      const options = [{ text: 'abacus', value: 'p1' }];
      receiver.answer = (r) => ({ status: 200, body: { onAction: 'pick_project', options, triggerId: r.body.triggerId, value: 'p1' } });
      const ok = await menu(query);
      expect([ok.status, ok.body]).toEqual([200, { options, value: 'p1' }]);
      const got = receiver.received.at(-1);
      expect(got?.path).toBe('/menu');
      expect(got?.body).toEqual({
        messageType: 'DYNAMIC_MENU',
        onAction: 'pick_project',
        query: 'ab',
        workspaceId: alice.workspaceId,
        userId: alice.workspaceUserId,
        channelId: it_.general,
        triggerId: expect.any(String),
      });
      receiver.answer = () => ({ status: 200, body: { onAction: 'pick_project', options: 'nope', triggerId: 'x' } });
      expect(await menu(query)).toMatchObject({ status: 200, body: { options: [], error: { code: 'invalid_reply' } } });
      receiver.answer = (r) => ({ status: 200, body: { onAction: 'other', options, triggerId: r.body.triggerId } });
      expect((await menu(query)).body.error?.code).toBe('invalid_reply');
      receiver.answer = () => ({ status: 500 });
      expect(await menu(query)).toMatchObject({ status: 200, body: { options: [], error: { code: 'app_unavailable', message: 'Interactive Bot is down' } } });
      receiver.answer = () => ({ status: 200, body: {}, delayMs: 700 });
      expect((await menu(query)).body.error?.code).toBe('app_unavailable');
      receiver.answer = () => ({ status: 400, body: { message: 'type more' } });
      expect(await menu(query)).toMatchObject({ status: 200, body: { options: [], error: { code: 'app_refused', message: 'type more' } } });
      // The person's mistakes stay 4xx: an element that is not a registered menu, a missing query.
      expect((await menu({ ...query, onAction: 'env' })).status).toBe(404);
      expect((await menu({ ...query, query: undefined })).status).toBe(400);
    });
  });
}
