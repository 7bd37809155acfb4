import type { ChannelInfo, HomeView, Message, MessagePage, PumbleUserGroup, Workspace, WorkspaceUser } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWireServer, type WireReply, type WireServer } from '../testing/wire-server.js';
import { ApiClient, SwitchboardApiError } from './index.js';

/** Fixtures in the documented wire shapes (PROTOCOL.md section 5). */
const message: Message = {
  id: 'M1',
  workspaceId: 'W1',
  channelId: 'C1',
  author: 'B1',
  text: 'hi',
  timestamp: '2025-01-01T00:00:00.000Z',
  timestampMilli: 1_735_689_600_000,
};
const page: MessagePage = { messages: [message], hasMoreBefore: false, hasMoreAfter: true };
const channelInfo: ChannelInfo = {
  channel: {
    id: 'C1',
    workspaceId: 'W1',
    channelType: 'PUBLIC',
    name: 'general',
    postingPermissions: { allowThreads: true, allowMentions: true, postingPermissionsGroup: 'EVERYONE', workspaceUserIds: [] },
    desktopNotificationPreferences: 'ALL',
    mobileNotificationPreferences: 'ALL',
  },
  users: ['U1', 'B1'],
};
const user: WorkspaceUser = {
  id: 'U1',
  email: 'alice@example.com',
  name: 'Alice',
  workspaceId: 'W1',
  role: 'owner',
  status: 'ACTIVE',
  avatar: { fullPath: '', scaledPath: '' },
  timeZoneId: 'Europe/Berlin',
  automaticallyTimeZone: false,
  title: '',
  phone: '',
  timeFormat: 24,
};
const workspace: Workspace = { id: 'W1', name: 'Demo', customStatusDefinitions: [], uniqueIdentifier: 'W1' };
const group: PumbleUserGroup = {
  id: 'G1',
  workspaceId: 'W1',
  createdBy: 'U1',
  disabled: false,
  name: 'Design',
  handle: 'design',
  description: '',
  workspaceUserIds: ['U1'],
};
const homeView: HomeView = { appId: 'A1', workspaceUserId: 'U1', blocks: [], isDefault: false, updatedAt: 1 };
const status = { code: ':coffee:', status: 'Lunch', expiration: 'hour1' as const, expiresAt: 0, pausedNotifications: false };
const me = { workspaceId: 'W1', workspaceName: 'Demo', workspaceUserId: 'B1', workspaceUserName: 'Bot' };

interface Row {
  name: string;
  call: (client: ApiClient) => Promise<unknown>;
  method: string;
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  reply: WireReply;
  result?: unknown;
}

const rows: Row[] = [
  {
    name: 'post message',
    call: (c) => c.messages.post('C1', 'hi'),
    method: 'POST',
    path: '/v1/channels/C1/messages',
    json: { text: 'hi' },
    reply: { status: 201, body: message },
    result: message,
  },
  {
    name: 'post message with blocks',
    call: (c) => c.messages.post('C1', { text: 'x', blocks: [{ type: 'section' }] }),
    method: 'POST',
    path: '/v1/channels/C1/messages',
    json: { text: 'x', blocks: [{ type: 'section' }] },
    reply: { status: 201, body: message },
    result: message,
  },
  {
    name: 'reply in thread',
    call: (c) => c.messages.reply('C1', 'R1', 'yo'),
    method: 'POST',
    path: '/v1/channels/C1/messages/R1',
    json: { text: 'yo' },
    reply: { status: 201, body: message },
    result: message,
  },
  {
    name: 'ephemeral',
    call: (c) => c.messages.postEphemeral('C1', 'psst', ['U1']),
    method: 'POST',
    path: '/v1/channels/C1/messages',
    json: { text: 'psst', ephemeral: { sendToUsers: ['U1'] } },
    reply: { status: 201, body: message },
    result: message,
  },
  {
    name: 'ephemeral in thread',
    call: (c) => c.messages.postEphemeral('C1', 'psst', ['U1'], { threadRootId: 'R1' }),
    method: 'POST',
    path: '/v1/channels/C1/messages/R1',
    json: { text: 'psst', ephemeral: { sendToUsers: ['U1'] } },
    reply: { status: 201, body: message },
    result: message,
  },
  {
    name: 'edit',
    call: (c) => c.messages.edit('C1', 'M1', { text: 'new' }),
    method: 'PUT',
    path: '/v1/channels/C1/messages/M1',
    json: { text: 'new' },
    reply: { body: message },
    result: message,
  },
  {
    name: 'delete',
    call: (c) => c.messages.delete('C1', 'M1'),
    method: 'DELETE',
    path: '/v1/channels/C1/messages/M1',
    reply: { status: 204 },
    result: undefined,
  },
  {
    name: 'ephemeral delete',
    call: (c) => c.messages.deleteEphemeral('C1', 'M1', ['U1'], { threadRootId: 'R1' }),
    method: 'DELETE',
    path: '/v1/channels/C1/messages/M1/ephemeral',
    json: { deleteForUsers: ['U1'], threadRootId: 'R1' },
    reply: { status: 204 },
    result: undefined,
  },
  { name: 'get', call: (c) => c.messages.get('C1', 'M1'), method: 'GET', path: '/v1/channels/C1/messages/M1', reply: { body: message }, result: message },
  {
    name: 'list',
    call: (c) => c.messages.list('C1', { limit: 20, cursor: 'M9', strategy: 'AFTER' }),
    method: 'GET',
    path: '/v1/channels/C1/messages',
    query: { limit: '20', cursor: 'M9', strategy: 'AFTER' },
    reply: { body: page },
    result: page,
  },
  {
    name: 'list without paging',
    call: (c) => c.messages.list('C1'),
    method: 'GET',
    path: '/v1/channels/C1/messages',
    query: {},
    reply: { body: page },
    result: page,
  },
  {
    name: 'replies',
    call: (c) => c.messages.replies('C1', 'R1', { limit: 5 }),
    method: 'GET',
    path: '/v1/channels/C1/messages/R1/replies',
    query: { limit: '5' },
    reply: { body: [message] },
    result: [message],
  },
  {
    name: 'edit ephemeral',
    call: (c) => c.messages.editEphemeral('C1', 'M1', 'v2', ['U1'], { threadRootId: 'R1' }),
    method: 'PUT',
    path: '/v1/channels/C1/messages/M1',
    json: { text: 'v2', ephemeral: { sendToUsers: ['U1'], threadRootId: 'R1' } },
    reply: { body: message },
    result: message,
  },
  {
    name: 'edit attachments',
    call: (c) => c.messages.editAttachments('C1', 'M1', [{ title: 'Build 42' }]),
    method: 'PUT',
    path: '/v1/channels/C1/messages/M1/attachments',
    json: { attachments: [{ title: 'Build 42' }] },
    reply: { body: message },
    result: message,
  },
  {
    name: 'add reaction',
    call: (c) => c.reactions.add('M1', ':thumbsup:'),
    method: 'POST',
    path: '/v1/messages/M1/reactions',
    json: { code: ':thumbsup:' },
    reply: { status: 204 },
  },
  {
    name: 'remove reaction',
    call: (c) => c.reactions.remove('M1', ':thumbsup:'),
    method: 'DELETE',
    path: '/v1/messages/M1/reactions',
    json: { code: ':thumbsup:' },
    reply: { status: 204 },
  },
  {
    name: 'list channels',
    call: (c) => c.channels.list(),
    method: 'GET',
    path: '/v1/channels',
    query: {},
    reply: { body: [channelInfo] },
    result: [channelInfo],
  },
  {
    name: 'list channels by type',
    call: (c) => c.channels.list(['PUBLIC', 'PRIVATE']),
    method: 'GET',
    path: '/v1/channels',
    query: { types: 'PUBLIC,PRIVATE' },
    reply: { body: [channelInfo] },
    result: [channelInfo],
  },
  { name: 'channel info', call: (c) => c.channels.info('C1'), method: 'GET', path: '/v1/channels/C1', reply: { body: channelInfo }, result: channelInfo },
  {
    name: 'create channel',
    call: (c) => c.channels.create({ name: 'deploys', type: 'PRIVATE', description: 'CI' }),
    method: 'POST',
    path: '/v1/channels',
    json: { name: 'deploys', type: 'PRIVATE', description: 'CI' },
    reply: { status: 201, body: channelInfo },
    result: channelInfo,
  },
  {
    name: 'add users',
    call: (c) => c.channels.addUsers('C1', ['U2', 'U3']),
    method: 'POST',
    path: '/v1/channels/C1/users',
    json: { userIds: ['U2', 'U3'] },
    reply: { body: { channelId: 'C1', addedUserIds: ['U2'] } },
    result: { channelId: 'C1', addedUserIds: ['U2'] },
  },
  {
    name: 'list direct',
    call: (c) => c.channels.listDirect(),
    method: 'GET',
    path: '/v1/channels/direct/list',
    reply: { body: [channelInfo] },
    result: [channelInfo],
  },
  { name: 'remove user', call: (c) => c.channels.removeUser('C1', 'U2'), method: 'DELETE', path: '/v1/channels/C1/users/U2', reply: { status: 204 } },
  {
    name: 'get direct',
    call: (c) => c.channels.getDirect(['U1', 'U2']),
    method: 'GET',
    path: '/v1/channels/direct',
    query: { participantIds: 'U1,U2' },
    reply: { body: channelInfo },
    result: channelInfo,
  },
  {
    name: 'create direct',
    call: (c) => c.channels.createDirect(['U2']),
    method: 'POST',
    path: '/v1/channels/direct',
    query: { participantIds: 'U2' },
    reply: { body: channelInfo },
    result: channelInfo,
  },
  { name: 'list workspace users', call: (c) => c.users.list(), method: 'GET', path: '/v1/workspaceUsers', reply: { body: [user] }, result: [user] },
  { name: 'get workspace user', call: (c) => c.users.get('U1'), method: 'GET', path: '/v1/workspaceUsers/U1', reply: { body: user }, result: user },
  {
    name: 'workspace',
    call: (c) => c.workspace.get(),
    method: 'GET',
    path: '/v1/workspace',
    reply: { body: workspace },
    result: workspace,
  },
  {
    name: 'custom status',
    call: (c) => c.users.setCustomStatus(status),
    method: 'PUT',
    path: '/v1/workspaceUsers/customStatus',
    json: status,
    reply: { body: user },
    result: user,
  },
  { name: 'clear custom status', call: (c) => c.users.clearCustomStatus(), method: 'DELETE', path: '/v1/workspaceUsers/customStatus', reply: { status: 204 } },
  { name: 'user groups', call: (c) => c.userGroups.list(), method: 'GET', path: '/v1/workspaceUsers/groups', reply: { body: [group] }, result: [group] },
  { name: 'user group', call: (c) => c.userGroups.get('G1'), method: 'GET', path: '/v1/workspaceUsers/groups/G1', reply: { body: group }, result: group },
  {
    name: 'publish home view',
    call: (c) => c.homeViews.publish('U1', { blocks: [] }),
    method: 'POST',
    path: '/v1/app/homeView/workspaceUsers/U1',
    json: { blocks: [] },
    reply: { body: homeView },
    result: homeView,
  },
  { name: 'oauth2/me', call: (c) => c.workspace.me(), method: 'GET', path: '/oauth2/me', reply: { body: me }, result: me },
  { name: 'unauthorize', call: (c) => c.app.unauthorize(), method: 'DELETE', path: '/v1/app/authorization', reply: { status: 204 } },
  { name: 'uninstall', call: (c) => c.app.uninstall(), method: 'DELETE', path: '/v1/app/installation', reply: { status: 204 } },
  {
    name: 'complete interaction',
    call: (c) => c.app.completeInteraction({ channelId: 'C1', sourceId: 'M1', sourceType: 'MESSAGE', triggerId: 'T1' }),
    method: 'POST',
    path: '/v1/interactions/complete',
    json: { channelId: 'C1', sourceId: 'M1', sourceType: 'MESSAGE', triggerId: 'T1' },
    reply: { status: 200, body: {} },
  },
];

describe('ApiClient: every App API call on the wire', () => {
  let server: WireServer;
  let client: ApiClient;
  let next: WireReply = {};

  beforeAll(async () => {
    server = await startWireServer(() => next);
    client = new ApiClient({ baseUrl: server.url, auth: { token: 'T', appKey: 'K' }, validateResponses: true });
  });
  afterAll(() => server.close());

  it.each(rows)('$name → $method $path', async (row) => {
    next = row.reply;
    server.requests.length = 0;
    const result = await row.call(client);
    expect(result).toEqual(row.result);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.method).toBe(row.method);
    expect(request.path).toBe(row.path);
    if (row.query) expect(Object.fromEntries(request.query)).toEqual(row.query);
    expect(request.json).toEqual(row.json);
    expect(request.headers['content-type']).toBe(row.json === undefined ? undefined : 'application/json');
    expect(request.headers).toMatchObject({ token: 'T', 'x-app-token': 'K' });
  });

  it('permanent calls reject with not_supported (Switchboard has no calls)', async () => {
    next = { status: 501, body: { code: 'not_supported', message: 'Switchboard has no calls.' } };
    server.requests.length = 0;
    const failure = await client.calls.createPermanent().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SwitchboardApiError);
    expect(failure).toMatchObject({ status: 501, code: 'not_supported' });
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/calls/permanent' });
  });
});
