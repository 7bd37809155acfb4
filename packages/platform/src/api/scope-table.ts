/**
 * The one table of which scope an app needs for each route it may call (PROTOCOL.md 5).
 * Routes missing here are closed to apps. `null` means any valid app token will do.
 */
export const routeScopes: Readonly<Record<string, string | null>> = {
  'POST /v1/channels/:channelId/messages': 'messages:write',
  'POST /v1/channels/:channelId/messages/:messageId': 'messages:write',
  'DELETE /v1/channels/:channelId/messages/:messageId/ephemeral': 'messages:write',
  'PUT /v1/channels/:channelId/messages/:messageId': 'messages:edit',
  'DELETE /v1/channels/:channelId/messages/:messageId': 'messages:delete',
  'GET /v1/channels/:channelId/messages': 'messages:read',
  'GET /v1/channels/:channelId/messages/:messageId': 'messages:read',
  'GET /v1/channels/:channelId/messages/:messageId/replies': 'messages:read',
  'POST /v1/messages/:messageId/reactions': 'reaction:write',
  'DELETE /v1/messages/:messageId/reactions': 'reaction:write',
  'GET /v1/channels': 'channels:list',
  'GET /v1/channels/direct': 'channels:list',
  'GET /v1/channels/:channelId': 'channels:read',
  'POST /v1/channels': 'channels:write',
  'POST /v1/channels/direct': 'channels:write',
  'POST /v1/channels/:channelId/users': 'channels:write',
  'DELETE /v1/channels/:channelId/users/:userId': 'channels:write',
  'POST /v1/channels/:channelId/join': 'channels:write',
  'POST /v1/channels/:channelId/leave': 'channels:write',
  'GET /v1/workspaceUsers': 'users:list',
  'GET /v1/workspaceUsers/:userId': 'user:read',
  'GET /v1/users/me': null,
  'GET /v1/workspace': 'workspace:read',
  'GET /oauth2/me': null,
  'DELETE /v1/app/authorization': null,
  'DELETE /v1/app/installation': null,
  'POST /v1/interactions/complete': null,
};
