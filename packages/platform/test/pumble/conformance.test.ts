import {
  NotSupportedError,
  PumbleChannelInfo,
  PumbleChannelList,
  PumbleMessage,
  PumbleMessages,
  PumbleOAuthUserProfile,
  PumbleThreadReplies,
  PumbleUserGroups,
  PumbleUsersAddedToChannel,
  PumbleWorkspace,
  PumbleWorkspaceUser,
  PumbleWorkspaceUsers,
} from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { call, dialects, startPlatform, type TestPlatform } from '../harness.js';
import {
  ALL_SCOPES,
  assertShape,
  createChannel,
  demoWorkspace,
  type InstalledApp,
  installApp,
  type SdkRequest,
  sdkCall,
  type Workspace,
} from './sdk-requests.js';

type Who = 'bot' | 'user';

interface Ctx {
  t: TestPlatform;
  ws: Workspace;
  app: InstalledApp;
  token: string;
  who: Who;
  /** The workspace user the token acts as. */
  self: string;
  seq: number;
}

interface SdkCase {
  /** The Pumble SDK method (`client.v1.<area>.<method>`). */
  method: string;
  /** Scope the route needs; null for any token. */
  scope: string | null;
  request: (ctx: Ctx) => Promise<SdkRequest>;
  status: number;
  shape?: z.ZodType;
  check?: (body: unknown, ctx: Ctx) => void | Promise<void>;
}

const post = async (ctx: Ctx, channelId: string, data: Record<string, unknown>, root?: string) => {
  const path = root ? `/v1/channels/${channelId}/messages/${root}` : `/v1/channels/${channelId}/messages`;
  const res = await sdkCall<{ id: string }>(ctx.t.url, ctx.token, ctx.app.app.appKey, { method: 'POST', path, data });
  if (res.status !== 201) throw new Error(`setup post failed ${res.status} ${res.text}`);
  return res.body.id;
};
const personPost = async (ctx: Ctx, text: string) =>
  (await call<{ id: string }>(ctx.t.url, ctx.ws.alice.token, 'POST', `/v1/channels/${ctx.ws.general}/messages`, { text })).body.id;

/** Every call of the SDK's ApiClient (pumble-sdk/src/api/v1), as it builds it. */
const cases: SdkCase[] = [
  {
    method: 'messages.postMessageToChannel',
    scope: 'messages:write',
    request: async (c) => ({ method: 'POST', path: `/v1/channels/${c.ws.general}/messages`, data: { text: `hello ${c.who}`, files: [] } }),
    status: 201,
    shape: PumbleMessage,
    check: (body, c) => expect(body).toMatchObject({ author: c.self, channelId: c.ws.general, text: `hello ${c.who}` }),
  },
  {
    method: 'messages.reply',
    scope: 'messages:write',
    request: async (c) => {
      const root = await personPost(c, 'root');
      return { method: 'POST', path: `/v1/channels/${c.ws.general}/messages/${root}`, data: { text: 'in thread', files: [] } };
    },
    status: 201,
    shape: PumbleMessage,
    check: (body) => expect((body as PumbleMessage).threadReplyInfo?.rootId).toMatch(/^[0-9a-f]{24}$/),
  },
  {
    method: 'messages.postEphemeral',
    scope: 'messages:write',
    request: async (c) => ({
      method: 'POST',
      path: `/v1/channels/${c.ws.general}/messages`,
      data: { ephemeral: { sendToUsers: [c.ws.alice.workspaceUserId] }, text: 'psst' },
    }),
    status: 201,
    shape: PumbleMessage,
  },
  {
    method: 'messages.replyEphemeral',
    scope: 'messages:write',
    request: async (c) => {
      const root = await personPost(c, 'root');
      return {
        method: 'POST',
        path: `/v1/channels/${c.ws.general}/messages/${root}`,
        data: { ephemeral: { sendToUsers: [c.ws.alice.workspaceUserId] }, text: 'psst' },
      };
    },
    status: 201,
    shape: PumbleMessage,
  },
  {
    method: 'messages.editMessage',
    scope: 'messages:edit',
    request: async (c) => {
      const id = await post(c, c.ws.general, { text: 'draft' });
      return { method: 'PUT', path: `/v1/channels/${c.ws.general}/messages/${id}`, data: { text: 'final' } };
    },
    status: 200,
    shape: PumbleMessage,
    check: (body) => expect(body).toMatchObject({ text: 'final', edited: true }),
  },
  {
    method: 'messages.editEphemeralMessage',
    scope: 'messages:edit',
    request: async (c) => {
      const id = await post(c, c.ws.general, { text: 'v1', ephemeral: { sendToUsers: [c.ws.alice.workspaceUserId] } });
      return {
        method: 'PUT',
        path: `/v1/channels/${c.ws.general}/messages/${id}`,
        data: { text: 'v2', ephemeral: { sendToUsers: [c.ws.alice.workspaceUserId] } },
      };
    },
    status: 200,
    shape: PumbleMessage,
    check: (body) => expect(body).toMatchObject({ text: 'v2', edited: true }),
  },
  {
    method: 'messages.editAttachments',
    scope: 'attachments:write',
    request: async (c) => {
      const id = await post(c, c.ws.general, { text: 'with card' });
      return {
        method: 'PUT',
        path: `/v1/channels/${c.ws.general}/messages/${id}/attachments`,
        data: { attachments: [{ title: 'Build 42', color: '#00ff00' }] },
      };
    },
    status: 200,
    shape: PumbleMessage,
    check: (body) => expect((body as PumbleMessage).attachments).toEqual([{ title: 'Build 42', color: '#00ff00' }]),
  },
  {
    method: 'messages.deleteMessage',
    scope: 'messages:delete',
    request: async (c) => ({ method: 'DELETE', path: `/v1/channels/${c.ws.general}/messages/${await post(c, c.ws.general, { text: 'bye' })}` }),
    status: 204,
  },
  {
    method: 'messages.deleteEphemeralMessage',
    scope: 'messages:delete',
    request: async (c) => {
      const id = await post(c, c.ws.general, { text: 'gone soon', ephemeral: { sendToUsers: [c.ws.alice.workspaceUserId] } });
      return { method: 'DELETE', path: `/v1/channels/${c.ws.general}/messages/${id}/ephemeral`, data: { deleteForUsers: [c.ws.alice.workspaceUserId] } };
    },
    status: 204,
  },
  {
    method: 'messages.fetchMessage',
    scope: 'messages:read',
    request: async (c) => ({ method: 'GET', path: `/v1/channels/${c.ws.general}/messages/${await personPost(c, 'read me')}` }),
    status: 200,
    shape: PumbleMessage,
  },
  {
    method: 'messages.fetchMessages',
    scope: 'messages:read',
    request: async (c) => ({ method: 'GET', path: `/v1/channels/${c.ws.general}/messages`, params: { limit: 1, strategy: 'BEFORE', cursor: null } }),
    status: 200,
    shape: PumbleMessages,
    check: (body) => expect((body as { messages: unknown[] }).messages).toHaveLength(1),
  },
  {
    method: 'messages.fetchThreadReplies',
    scope: 'messages:read',
    request: async (c) => {
      const root = await personPost(c, 'thread');
      await call(c.t.url, c.ws.alice.token, 'POST', `/v1/channels/${c.ws.general}/messages/${root}`, { text: 'r1' });
      return {
        method: 'GET',
        path: `/v1/channels/${c.ws.general}/messages/${root}/replies`,
        params: { cursor: undefined, strategy: undefined, limit: undefined },
      };
    },
    status: 200,
    shape: PumbleThreadReplies,
    check: (body) => expect((body as { text: string }[]).map((m) => m.text)).toEqual(['r1']),
  },
  {
    method: 'messages.addReaction',
    scope: 'reaction:write',
    request: async (c) => ({ method: 'POST', path: `/v1/messages/${await personPost(c, 'like me')}/reactions`, data: { code: ':thumbsup:' } }),
    status: 204,
  },
  {
    method: 'messages.removeReaction',
    scope: 'reaction:write',
    request: async (c) => {
      const id = await personPost(c, 'unlike me');
      await sdkCall(c.t.url, c.token, c.app.app.appKey, { method: 'POST', path: `/v1/messages/${id}/reactions`, data: { code: ':eyes:' } });
      return { method: 'DELETE', path: `/v1/messages/${id}/reactions`, data: { code: ':eyes:' } };
    },
    status: 204,
  },
  {
    method: 'channels.getDirectChannel (and dmUser)',
    scope: 'channels:read',
    request: async (c) => ({
      method: 'GET',
      path: '/v1/channels/direct',
      params: { participantIds: [...new Set([c.self, c.ws.bob.workspaceUserId])].join(',') },
    }),
    status: 200,
    shape: PumbleChannelInfo,
    check: (body, c) => expect((body as { users: string[] }).users).toEqual([c.self, c.ws.bob.workspaceUserId].sort()),
  },
  {
    method: 'channels.createDirectChannel',
    scope: 'channels:write',
    request: async (c) => ({ method: 'POST', path: '/v1/channels/direct', data: { participantIds: [c.ws.bob.workspaceUserId] } }),
    status: 200,
    shape: PumbleChannelInfo,
  },
  {
    method: 'channels.getChannelDetails',
    scope: 'channels:read',
    request: async (c) => ({ method: 'GET', path: `/v1/channels/${c.ws.general}` }),
    status: 200,
    shape: PumbleChannelInfo,
  },
  {
    method: 'channels.listChannels',
    scope: 'channels:list',
    request: async () => ({ method: 'GET', path: '/v1/channels' }),
    status: 200,
    shape: PumbleChannelList,
  },
  {
    method: 'channels.listDirectChannels',
    scope: 'channels:list',
    request: async () => ({ method: 'GET', path: '/v1/channels/direct/list' }),
    status: 200,
    shape: PumbleChannelList,
  },
  {
    method: 'channels.createChannel',
    scope: 'channels:write',
    request: async (c) => ({ method: 'POST', path: '/v1/channels', data: { name: `made-by-${c.who}-${c.seq}`, type: 'PUBLIC' } }),
    status: 201,
    shape: PumbleChannelInfo,
  },
  {
    method: 'channels.addUsersToChannel',
    scope: 'channels:write',
    request: async (c) => {
      const made = await sdkCall<{ channel: { id: string } }>(c.t.url, c.token, c.app.app.appKey, {
        method: 'POST',
        path: '/v1/channels',
        data: { name: `add-${c.who}-${c.seq}`, type: 'PRIVATE' },
      });
      return { method: 'POST', path: `/v1/channels/${made.body.channel.id}/users`, data: { userIds: [c.ws.bob.workspaceUserId] } };
    },
    status: 200,
    shape: PumbleUsersAddedToChannel,
    check: (body, c) => expect((body as { addedUserIds: string[] }).addedUserIds).toEqual([c.ws.bob.workspaceUserId]),
  },
  {
    method: 'channels.removeUserFromChannel',
    scope: 'channels:write',
    request: async (c) => {
      const made = await sdkCall<{ channel: { id: string } }>(c.t.url, c.token, c.app.app.appKey, {
        method: 'POST',
        path: '/v1/channels',
        data: { name: `rm-${c.who}-${c.seq}`, type: 'PUBLIC' },
      });
      const channelId = made.body.channel.id;
      await sdkCall(c.t.url, c.token, c.app.app.appKey, {
        method: 'POST',
        path: `/v1/channels/${channelId}/users`,
        data: { userIds: [c.ws.bob.workspaceUserId] },
      });
      return { method: 'DELETE', path: `/v1/channels/${channelId}/users/${c.ws.bob.workspaceUserId}` };
    },
    status: 204,
  },
  {
    method: 'users.listWorkspaceUsers',
    scope: 'users:list',
    request: async () => ({ method: 'GET', path: '/v1/workspaceUsers' }),
    status: 200,
    shape: PumbleWorkspaceUsers,
  },
  {
    method: 'users.listUserGroups',
    scope: 'users:list',
    request: async () => ({ method: 'GET', path: '/v1/workspaceUsers/groups' }),
    status: 200,
    shape: PumbleUserGroups,
    check: (body) => expect((body as { handle: string }[]).map((g) => g.handle)).toContain('design'),
  },
  {
    method: 'users.getProfile',
    scope: null,
    request: async () => ({ method: 'GET', path: '/oauth2/me' }),
    status: 200,
    shape: PumbleOAuthUserProfile,
  },
  {
    method: 'users.userInfo',
    scope: 'user:read',
    request: async (c) => ({ method: 'GET', path: `/v1/workspaceUsers/${c.ws.alice.workspaceUserId}` }),
    status: 200,
    shape: PumbleWorkspaceUser,
  },
  {
    method: 'users.updateCustomStatus',
    scope: 'status:write',
    request: async () => ({
      method: 'PUT',
      path: '/v1/workspaceUsers/customStatus',
      data: { code: ':coffee:', status: 'Lunch', expiration: 'hour1', expiresAt: 0, pausedNotifications: false },
    }),
    status: 200,
    shape: PumbleWorkspaceUser,
    check: (body, c) => expect(body).toMatchObject({ id: c.self, customStatus: { code: ':coffee:', status: 'Lunch', expiration: 'hour1' } }),
  },
  {
    method: 'workspace.getWorkspaceInfo',
    scope: 'workspace:read',
    request: async () => ({ method: 'GET', path: '/v1/workspace' }),
    status: 200,
    shape: PumbleWorkspace,
  },
  {
    method: 'calls.createPermanentCall',
    scope: 'calls:write',
    request: async () => ({ method: 'POST', path: '/v1/calls/permanent' }),
    status: 501,
    shape: NotSupportedError,
  },
  {
    method: 'app.publishHomeView',
    scope: 'channels:write',
    request: async (c) => ({
      method: 'POST',
      path: `/v1/app/homeView/workspaceUsers/${c.ws.alice.workspaceUserId}`,
      data: { blocks: [{ type: 'divider' }], title: { type: 'plain_text', text: `Home by ${c.who}` } },
    }),
    status: 200,
  },
];

for (const dialect of await dialects()) {
  describe(`Pumble SDK conformance: every ApiClient call as the SDK sends it (${dialect})`, () => {
    let t: TestPlatform;
    let ws: Workspace;
    let app: InstalledApp;
    let weak: InstalledApp;
    let seq = 0;
    beforeAll(async () => {
      t = await startPlatform({ dialect });
      ws = await demoWorkspace(t);
      app = await installApp(t, ws.alice, 'conformance', ALL_SCOPES);
      // reaction:read guards no route: this token lacks every scope the calls need.
      weak = await installApp(t, ws.alice, 'weak', ['reaction:read']);
      const group = await call(t.url, ws.alice.token, 'POST', '/v1/workspaceUsers/groups', {
        name: 'Design',
        handle: 'design',
        workspaceUserIds: [ws.alice.workspaceUserId, ws.bob.workspaceUserId],
      });
      expect(group.status).toBe(201);
      // Keep the private channel list honest: the bot is a member of nothing but its DM.
      await createChannel(t, ws.alice, 'private-room', 'PRIVATE', [ws.bob.workspaceUserId]);
    });
    afterAll(async () => t?.stop());

    for (const who of ['bot', 'user'] as const) {
      for (const sdk of cases) {
        it(`${sdk.method} with a ${who} token answers what the SDK reads`, async () => {
          const ctx: Ctx = {
            t,
            ws,
            app,
            who,
            token: who === 'bot' ? app.botToken : app.userToken,
            self: who === 'bot' ? app.botId : ws.alice.workspaceUserId,
            seq: ++seq,
          };
          const res = await sdkCall(t.url, ctx.token, app.app.appKey, await sdk.request(ctx));
          expect(res.status, `${sdk.method}: ${res.text}`).toBe(sdk.status);
          if (sdk.status === 204) expect(res.text).toBe('');
          if (sdk.shape) assertShape(sdk.shape, res.body, sdk.method);
          await sdk.check?.(res.body, ctx);
        });
      }
    }

    for (const sdk of cases) {
      it(sdk.scope ? `${sdk.method} without ${sdk.scope} is refused with missing_scope` : `${sdk.method} needs no scope`, async () => {
        const ctx: Ctx = { t, ws, app: weak, who: 'bot', token: weak.botToken, self: weak.botId, seq: ++seq };
        // Prerequisites are made with the full app; only the call itself goes with the weak token.
        const full: Ctx = { ...ctx, app, token: app.botToken, self: app.botId };
        const res = await sdkCall<{ code: string; needed?: string }>(t.url, weak.botToken, weak.app.appKey, await sdk.request(full));
        if (sdk.scope === null) {
          expect(res.status).toBe(sdk.status);
          return;
        }
        expect(res.status, res.text).toBe(403);
        expect(res.body.code).toBe('missing_scope');
        expect(typeof res.body.needed).toBe('string');
      });
    }
  });
}
