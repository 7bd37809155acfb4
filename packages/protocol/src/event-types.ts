import { z } from 'zod';
import { ChannelType } from './chat.js';
import type { Scope } from './scopes.js';

/** Event names an app can subscribe to, in their registered form (PROTOCOL.md 6.4). */
export const EVENT_TYPES = [
  'NEW_MESSAGE',
  'UPDATED_MESSAGE',
  'DELETED_MESSAGE',
  'REACTION_ADDED',
  'CHANNEL_CREATED',
  'CHANNEL_ARCHIVED',
  'CHANNEL_DELETED',
  'WORKSPACE_USER_JOINED',
  'WORKSPACE_USER_UPDATED',
  'APP_UNINSTALLED',
  'APP_UNAUTHORIZED',
] as const;

// A custom message because zod's default lists every option, which buries the bad value.
export const EventType = z.enum(EVENT_TYPES, {
  error: (issue) => (issue.input === undefined ? undefined : `unknown event ${JSON.stringify(issue.input)}`),
});
export type EventType = z.infer<typeof EventType>;

/** Events about the app itself: delivered as `messageType: "APP_EVENT"` and needing no scope. */
export const AppEventType = EventType.extract(['APP_UNINSTALLED', 'APP_UNAUTHORIZED']);
export type AppEventType = z.infer<typeof AppEventType>;

/** Events about the workspace: delivered as `messageType: "PUMBLE_EVENT"` to holders of their scope. */
export const PumbleEventType = EventType.exclude(['APP_UNINSTALLED', 'APP_UNAUTHORIZED']);
export type PumbleEventType = z.infer<typeof PumbleEventType>;

/**
 * The scope an authorized person or bot must hold for an event to reach the app on
 * its behalf; `null` for app events, which every app receives.
 */
export const eventScopes: Readonly<Record<EventType, Scope | null>> = {
  NEW_MESSAGE: 'messages:read',
  UPDATED_MESSAGE: 'messages:read',
  DELETED_MESSAGE: 'messages:read',
  REACTION_ADDED: 'reaction:read',
  CHANNEL_CREATED: 'channels:read',
  CHANNEL_ARCHIVED: 'channels:read',
  CHANNEL_DELETED: 'channels:read',
  WORKSPACE_USER_JOINED: 'user:read',
  WORKSPACE_USER_UPDATED: 'user:read',
  APP_UNINSTALLED: null,
  APP_UNAUTHORIZED: null,
};

export function isAppEventType(type: EventType): type is AppEventType {
  return eventScopes[type] === null;
}

// Bodies are loose objects: Pumble sends more compact fields than PROTOCOL.md lists
// (rid, st, att, …) and an app must keep working when the platform adds one.
// Fields the protocol names are typed; the documented Pumble extras are optional.

const messageFields = {
  mId: z.string(),
  wId: z.string(),
  cId: z.string(),
  trId: z.string().describe('Thread root message id; "" when the message is not a reply'),
  aId: z.string().describe('Author id'),
  tx: z.string().describe('Text'),
  bl: z.array(z.unknown()).optional().describe('Blocks'),
  ts: z.string().optional().describe('ISO 8601 time'),
  tsm: z.number().int().optional().describe('Epoch milliseconds'),
  f: z.array(z.unknown()).optional().describe('Files'),
  md: z.array(z.string()).optional().describe('Ids of people mentioned directly'),
  e: z.boolean().optional().describe('Edited'),
  eph: z.boolean().optional().describe('Ephemeral'),
  st: z.string().optional().describe('Subtype (system messages)'),
  stc: z.boolean().optional().describe('Reply also sent to the channel'),
  rid: z.string().optional().describe('Id of the request that caused the event'),
};

export const NewMessageBody = z.looseObject({ ...messageFields, ty: z.literal('NEW_MESSAGE') });
export type NewMessageBody = z.infer<typeof NewMessageBody>;

export const UpdatedMessageBody = z.looseObject({ ...messageFields, ty: z.literal('UPDATED_MESSAGE') });
export type UpdatedMessageBody = z.infer<typeof UpdatedMessageBody>;

export const DeletedMessageBody = z.looseObject({
  mId: z.string(),
  wId: z.string(),
  cId: z.string(),
  trId: z.string(),
  ty: z.literal('DELETED_MESSAGE'),
});
export type DeletedMessageBody = z.infer<typeof DeletedMessageBody>;

export const ReactionAddedBody = z.looseObject({
  wId: z.string(),
  cId: z.string(),
  mId: z.string(),
  mat: z.string().describe('Author of the message reacted to'),
  uId: z.string().describe('Who reacted'),
  rc: z.string().describe('Reaction code, e.g. ":thumbsup:"'),
  ty: z.literal('REACTION_ADDED'),
  rid: z.string().optional(),
});
export type ReactionAddedBody = z.infer<typeof ReactionAddedBody>;

export const ChannelCreatedBody = z.looseObject({
  wId: z.string(),
  cId: z.string(),
  cN: z.string().optional().describe('Name; direct channels have none'),
  cU: z.array(z.string()).describe('Member ids'),
  cT: ChannelType,
  ty: z.literal('CHANNEL_CREATED'),
  rid: z.string().optional(),
});
export type ChannelCreatedBody = z.infer<typeof ChannelCreatedBody>;

const channelGoneFields = {
  wId: z.string(),
  cId: z.string(),
  m: z.array(z.string()).describe('Member ids'),
  uId: z.string().optional().describe('Who did it'),
  rid: z.string().optional(),
};

export const ChannelArchivedBody = z.looseObject({ ...channelGoneFields, ty: z.literal('CHANNEL_ARCHIVED') });
export type ChannelArchivedBody = z.infer<typeof ChannelArchivedBody>;

export const ChannelDeletedBody = z.looseObject({ ...channelGoneFields, ty: z.literal('CHANNEL_DELETED') });
export type ChannelDeletedBody = z.infer<typeof ChannelDeletedBody>;

const workspaceUserFields = {
  wId: z.string(),
  uId: z.string(),
  uN: z.string().describe('Name'),
  uE: z.string().describe('Email'),
  tz: z.string().describe('Time zone id'),
  ro: z.string().describe('Role'),
  st: z.string().optional().describe('Status'),
  pt: z.string().optional().describe('Profile title'),
  rid: z.string().optional(),
};

export const WorkspaceUserJoinedBody = z.looseObject({ ...workspaceUserFields, ty: z.literal('WORKSPACE_USER_JOINED') });
export type WorkspaceUserJoinedBody = z.infer<typeof WorkspaceUserJoinedBody>;

export const WorkspaceUserUpdatedBody = z.looseObject({ ...workspaceUserFields, ty: z.literal('WORKSPACE_USER_UPDATED') });
export type WorkspaceUserUpdatedBody = z.infer<typeof WorkspaceUserUpdatedBody>;

// App event bodies use long names (Pumble does too) and carry no `ty`.
export const AppUninstalledBody = z.looseObject({
  id: z.string().describe('Installation id'),
  app: z.string(),
  workspace: z.string(),
  installedBy: z.string(),
  botUser: z.string().nullable().describe('Bot user id; null for apps without a bot'),
  uninstalledAt: z.number().int().describe('Epoch milliseconds'),
});
export type AppUninstalledBody = z.infer<typeof AppUninstalledBody>;

export const AppUnauthorizedBody = z.looseObject({
  id: z.string().describe('Authorization id'),
  app: z.string(),
  appInstallation: z.string(),
  workspaceUser: z.string(),
  workspace: z.string(),
  grantedScopes: z.array(z.string()),
  accessGranted: z.boolean(),
});
export type AppUnauthorizedBody = z.infer<typeof AppUnauthorizedBody>;

/** One dispatch table from event name to body schema, so no caller switches on names. */
export const eventBodySchemas = {
  NEW_MESSAGE: NewMessageBody,
  UPDATED_MESSAGE: UpdatedMessageBody,
  DELETED_MESSAGE: DeletedMessageBody,
  REACTION_ADDED: ReactionAddedBody,
  CHANNEL_CREATED: ChannelCreatedBody,
  CHANNEL_ARCHIVED: ChannelArchivedBody,
  CHANNEL_DELETED: ChannelDeletedBody,
  WORKSPACE_USER_JOINED: WorkspaceUserJoinedBody,
  WORKSPACE_USER_UPDATED: WorkspaceUserUpdatedBody,
  APP_UNINSTALLED: AppUninstalledBody,
  APP_UNAUTHORIZED: AppUnauthorizedBody,
} as const satisfies Record<EventType, z.ZodType>;

export type EventBody<T extends EventType = EventType> = z.infer<(typeof eventBodySchemas)[T]>;

export type EventBodyResult<T extends EventType> = { ok: true; body: EventBody<T> } | { ok: false; message: string };

/**
 * Decodes an event payload's `body`, which travels as a JSON string (PROTOCOL.md 6.2),
 * and validates it against its event's schema. A malformed body is a result, not a throw,
 * so a receiver can answer 400 instead of crashing.
 * @example parseEventBody('NEW_MESSAGE', payload.body)
 */
export function parseEventBody<T extends EventType>(eventType: T, body: string | object): EventBodyResult<T> {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { ok: false, message: `The ${eventType} body is not valid JSON.` };
    }
  }
  const result = eventBodySchemas[eventType].safeParse(value);
  if (!result.success) {
    return { ok: false, message: `The ${eventType} body is invalid: ${z.prettifyError(result.error)}` };
  }
  return { ok: true, body: result.data as EventBody<T> };
}
