/**
 * The one table of which scope an app needs for each route it may call (PROTOCOL.md 5, and the
 * Pumble SDK's docs/api-client.md). Routes missing here are closed to apps. `null` means any
 * valid app token will do; a list means any one of its scopes will do (where Pumble's documented
 * scope differs from the one Switchboard asked for first, both keep working).
 */
export type RouteScope = string | readonly string[] | null;

export const routeScopes: Readonly<Record<string, RouteScope>> = {
  'POST /v1/channels/:channelId/messages': 'messages:write',
  'POST /v1/channels/:channelId/messages/:messageId': 'messages:write',
  'DELETE /v1/channels/:channelId/messages/:messageId/ephemeral': ['messages:delete', 'messages:write'],
  'PUT /v1/channels/:channelId/messages/:messageId': 'messages:edit',
  'PUT /v1/channels/:channelId/messages/:messageId/attachments': 'attachments:write',
  'DELETE /v1/channels/:channelId/messages/:messageId': 'messages:delete',
  'GET /v1/channels/:channelId/messages': ['messages:read', 'channels:read'],
  'GET /v1/channels/:channelId/messages/:messageId': 'messages:read',
  'GET /v1/channels/:channelId/messages/:messageId/replies': ['messages:read', 'channels:read'],
  'POST /v1/messages/:messageId/reactions': 'reaction:write',
  'DELETE /v1/messages/:messageId/reactions': 'reaction:write',
  'GET /v1/channels': 'channels:list',
  'GET /v1/channels/direct': ['channels:list', 'channels:read'],
  'GET /v1/channels/direct/list': ['channels:list', 'channels:read'],
  'GET /v1/channels/:channelId': 'channels:read',
  'POST /v1/channels': 'channels:write',
  'POST /v1/channels/direct': 'channels:write',
  'POST /v1/channels/:channelId/users': 'channels:write',
  'DELETE /v1/channels/:channelId/users/:userId': 'channels:write',
  'POST /v1/channels/:channelId/join': 'channels:write',
  'POST /v1/channels/:channelId/leave': 'channels:write',
  'GET /v1/workspaceUsers': 'users:list',
  'GET /v1/workspaceUsers/groups': ['users:list', 'group:read'],
  'GET /v1/workspaceUsers/groups/:groupId': ['users:list', 'group:read'],
  'GET /v1/workspaceUsers/:userId': 'user:read',
  'PUT /v1/workspaceUsers/customStatus': 'status:write',
  'DELETE /v1/workspaceUsers/customStatus': 'status:write',
  'GET /v1/users/me': null,
  'GET /v1/workspace': 'workspace:read',
  'GET /oauth2/me': null,
  'DELETE /v1/app/authorization': null,
  'DELETE /v1/app/installation': null,
  'POST /v1/messages/search': 'messages:read',
  'GET /v1/messages/scheduled': 'messages:read',
  'POST /v1/messages/scheduled': 'messages:write',
  'GET /v1/messages/scheduled/:scheduledMessageId': 'messages:read',
  'PUT /v1/messages/scheduled/:scheduledMessageId': 'messages:edit',
  'PUT /v1/messages/scheduled/:scheduledMessageId/attachments': 'attachments:write',
  'DELETE /v1/messages/scheduled/:scheduledMessageId': 'messages:delete',
  'POST /v1/files/upload/token': 'files:write',
  'POST /v1/files/upload/complete': 'files:write',
  'GET /v1/files/:fileId/:fileName': 'messages:read',
  'POST /v1/app/homeView/workspaceUsers/:userId': 'channels:write',
  'POST /v1/calls/permanent': 'calls:write',
  'POST /v1/interactions/complete': null,
};

/** The scope to name in a refusal, or undefined when the granted scopes satisfy the route. */
export function missingScope(needed: RouteScope, granted: ReadonlySet<string>): string | undefined {
  if (needed === null) return undefined;
  const options = typeof needed === 'string' ? [needed] : needed;
  return options.some((scope) => granted.has(scope)) ? undefined : options[0];
}
