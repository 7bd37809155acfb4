import { z } from 'zod';
import { AppEventType, PumbleEventType } from './event-types.js';
import { SubmittedModalView, View } from './views.js';

/**
 * Platform → app payloads (PROTOCOL.md 6.2), POSTed to the manifest URL of the trigger
 * or pushed as a socket frame. `messageType` discriminates; shortcuts are further
 * discriminated by `type`.
 *
 * Objects are loose so an app built on these schemas keeps the fields a newer platform
 * adds instead of silently dropping them.
 */

export const MESSAGE_TYPES = ['SLASH_COMMAND', 'SHORTCUT', 'PUMBLE_EVENT', 'APP_EVENT', 'BLOCK_INTERACTION', 'DYNAMIC_MENU', 'VIEW_ACTION'] as const;
export const MessageType = z.enum(MESSAGE_TYPES);
export type MessageType = z.infer<typeof MessageType>;

export const SlashCommandPayload = z.looseObject({
  messageType: z.literal('SLASH_COMMAND'),
  slashCommand: z.string().describe('The command as registered, e.g. "/echo"'),
  text: z.string().describe('What the person typed after the command'),
  userId: z.string(),
  channelId: z.string(),
  threadRootId: z.string().optional().describe('Present when the command was typed in a thread'),
  workspaceId: z.string(),
  triggerId: z.string(),
});
export type SlashCommandPayload = z.infer<typeof SlashCommandPayload>;

export const GlobalShortcutPayload = z.looseObject({
  messageType: z.literal('SHORTCUT'),
  type: z.literal('GLOBAL'),
  shortcut: z.string().describe('The shortcut name as registered'),
  userId: z.string(),
  channelId: z.string(),
  threadRootId: z.string().optional(),
  workspaceId: z.string(),
  triggerId: z.string(),
});
export type GlobalShortcutPayload = z.infer<typeof GlobalShortcutPayload>;

export const MessageShortcutPayload = z.looseObject({
  messageType: z.literal('SHORTCUT'),
  type: z.literal('ON_MESSAGE'),
  shortcut: z.string(),
  messageId: z.string().describe('The message the shortcut was used on'),
  userId: z.string(),
  channelId: z.string(),
  threadRootId: z.string().optional(),
  workspaceId: z.string(),
  triggerId: z.string(),
});
export type MessageShortcutPayload = z.infer<typeof MessageShortcutPayload>;

export const ShortcutPayload = z.discriminatedUnion('type', [GlobalShortcutPayload, MessageShortcutPayload]);
export type ShortcutPayload = z.infer<typeof ShortcutPayload>;

const eventFields = {
  workspaceId: z.string(),
  workspaceUserIds: z.array(z.string()).describe('Authorized people (bot included) holding the scope who can see the event'),
  // A string, not an object, to match Pumble byte for byte; decode with parseEventBody.
  body: z.string().describe('JSON text of the event body (PROTOCOL.md 6.4)'),
};

export const PumbleEventPayload = z.looseObject({ messageType: z.literal('PUMBLE_EVENT'), eventType: PumbleEventType, ...eventFields });
export type PumbleEventPayload = z.infer<typeof PumbleEventPayload>;

export const AppEventPayload = z.looseObject({ messageType: z.literal('APP_EVENT'), eventType: AppEventType, ...eventFields });
export type AppEventPayload = z.infer<typeof AppEventPayload>;

export const BlockInteractionSourceType = z.enum(['MESSAGE', 'EPHEMERAL_MESSAGE', 'VIEW']);
export type BlockInteractionSourceType = z.infer<typeof BlockInteractionSourceType>;

export const BlockInteractionPayload = z.looseObject({
  messageType: z.literal('BLOCK_INTERACTION'),
  workspaceId: z.string(),
  userId: z.string(),
  channelId: z.string().optional().describe('Absent for interactions in views outside a channel'),
  sourceType: BlockInteractionSourceType,
  sourceId: z.string().describe('Message, ephemeral message or view id'),
  // Open-ended: Pumble adds element types (BUTTON, STATIC_SELECT_MENU, DATE_PICKER, …).
  actionType: z.string().min(1),
  onAction: z.string(),
  payload: z.string().describe('JSON text of the value(s) entered or selected'),
  view: View.optional().describe('The view, when sourceType is VIEW'),
  triggerId: z.string(),
  loadingTimeout: z.number().int().nonnegative().describe('Milliseconds the element shows as loading; 0 for none'),
});
export type BlockInteractionPayload = z.infer<typeof BlockInteractionPayload>;

export const DynamicMenuPayload = z.looseObject({
  messageType: z.literal('DYNAMIC_MENU'),
  onAction: z.string().describe('The menu as registered in the manifest'),
  query: z.string().describe('What the person typed so far'),
  workspaceId: z.string(),
  userId: z.string(),
  channelId: z.string().optional(),
  triggerId: z.string(),
});
export type DynamicMenuPayload = z.infer<typeof DynamicMenuPayload>;

export const ViewActionType = z.enum(['SUBMIT', 'CLOSE']);
export type ViewActionType = z.infer<typeof ViewActionType>;

export const ViewActionPayload = z.looseObject({
  messageType: z.literal('VIEW_ACTION'),
  workspaceId: z.string(),
  userId: z.string(),
  channelId: z.string().optional(),
  viewActionType: ViewActionType,
  view: SubmittedModalView,
  triggerId: z.string(),
});
export type ViewActionPayload = z.infer<typeof ViewActionPayload>;

/** Any platform → app payload. */
export const AppPayload = z.discriminatedUnion('messageType', [
  SlashCommandPayload,
  ShortcutPayload,
  PumbleEventPayload,
  AppEventPayload,
  BlockInteractionPayload,
  DynamicMenuPayload,
  ViewActionPayload,
]);
export type AppPayload = z.infer<typeof AppPayload>;

/** Triggers a person is waiting on: answered within 3 s, unlike events (PROTOCOL.md 6.3). */
export function isInteractivePayload(payload: AppPayload): payload is Exclude<AppPayload, PumbleEventPayload | AppEventPayload> {
  return payload.messageType !== 'PUMBLE_EVENT' && payload.messageType !== 'APP_EVENT';
}
