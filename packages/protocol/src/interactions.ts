import { z } from 'zod';
import { BlockInteractionSourceType } from './payloads.js';
import { MenuOption } from './replies.js';
import { View, ViewState } from './views.js';

/**
 * A person's side of app interactions (ours: Pumble's web client internals are not specified),
 * under `/v1` with the person's `Authtoken` or session: shortcuts, clicks on blocks, dynamic
 * menus and views. Plus `/v1/interactions/complete`, which apps call (Pumble, PROTOCOL.md 5).
 */

const Id = z.string().min(1).max(64);

/** A view open for a person: the app's view with the platform's id and the person's state. */
export const OpenView = z.object({
  id: z.string(),
  appId: z.string(),
  /** The first view of the stack this one belongs to (itself for a root). */
  rootId: z.string(),
  /** The view this one was pushed over; null for the root. */
  parentId: z.string().nullable(),
  channelId: z.string().nullable(),
  view: View,
  /** Per-block messages from a refused submit. */
  errors: z.record(z.string(), z.string()).optional(),
});
export type OpenView = z.infer<typeof OpenView>;

/** `invalid_reply`: the app acked with a body that is not a valid modal (or view-errors) reply. */
export const TriggerOutcome = z.enum(['acked', 'nacked', 'offline', 'invalid_reply']);
export type TriggerOutcome = z.infer<typeof TriggerOutcome>;

/** What happened to a person's trigger; any message for them arrives as an ephemeral message. */
export const TriggerResult = z.object({
  outcome: TriggerOutcome,
  triggerId: z.string(),
  appId: z.string(),
  /** The view the app opened, updated or pushed in its answer. */
  view: OpenView.optional(),
  /** Views the answer closed (a submit acked without a new view closes the submitted one and those above it). */
  closedViewIds: z.array(z.string()).optional(),
  /** A refused submit: the view stays open with these per-block messages. */
  errors: z.record(z.string(), z.string()).optional(),
  /** Block interactions: milliseconds the element shows as loading unless the app completes it sooner. */
  loadingTimeout: z.number().int().nonnegative().optional(),
});
export type TriggerResult = z.infer<typeof TriggerResult>;

export const ShortcutInfo = z.object({
  appId: z.string(),
  appName: z.string().describe("The app's displayName"),
  shortcutType: z.enum(['GLOBAL', 'ON_MESSAGE']),
  name: z.string(),
  displayName: z.string(),
  description: z.string().optional(),
});
export type ShortcutInfo = z.infer<typeof ShortcutInfo>;

export const ShortcutList = z.object({ shortcuts: z.array(ShortcutInfo) });
export type ShortcutList = z.infer<typeof ShortcutList>;

/** Without `messageId`: the GLOBAL shortcuts usable in the channel; with it: the ON_MESSAGE ones for that message. */
export const ShortcutListQuery = z.object({ channelId: Id, messageId: Id.optional() });
export type ShortcutListQuery = z.infer<typeof ShortcutListQuery>;

export const InvokeShortcutBody = z.object({
  appId: Id,
  name: z.string().min(1).max(32).describe('The shortcut name as registered'),
  channelId: Id,
  /** Required for an ON_MESSAGE shortcut, refused for a GLOBAL one. */
  messageId: Id.optional(),
  /** GLOBAL shortcuts used inside a thread. */
  threadRootId: Id.optional(),
});
export type InvokeShortcutBody = z.infer<typeof InvokeShortcutBody>;

const sourceFields = {
  sourceType: BlockInteractionSourceType,
  sourceId: Id.describe('The message id, or the view id for VIEW'),
  channelId: Id.optional().describe('Required for MESSAGE'),
  onAction: z.string().min(1).max(255),
  /** Disambiguates elements sharing an onAction in different blocks. */
  blockId: z.string().min(1).max(255).optional(),
};

/** A click or a selection on an interactive element. Buttons send their own `value`; the client's is ignored. */
export const BlockActionBody = z.object({
  ...sourceFields,
  value: z.unknown().optional().describe('What was selected or entered (selects must offer it)'),
  /** VIEW only: the person's current input, saved with the view before the app sees it. */
  state: ViewState.optional(),
});
export type BlockActionBody = z.infer<typeof BlockActionBody>;

export const MenuQueryBody = z.object({ ...sourceFields, query: z.string().max(500) });
export type MenuQueryBody = z.infer<typeof MenuQueryBody>;

/** Codes of `MenuOptionsResult.error`: the app failed, not the person, so the status stays 200. */
export const MenuErrorCode = z.enum(['app_unavailable', 'app_refused', 'invalid_reply']);
export type MenuErrorCode = z.infer<typeof MenuErrorCode>;

export const MenuOptionsResult = z.object({
  options: z.array(MenuOption),
  value: z.string().optional(),
  error: z.object({ code: MenuErrorCode, message: z.string() }).optional(),
});
export type MenuOptionsResult = z.infer<typeof MenuOptionsResult>;

export const ViewSubmitBody = z.object({ state: ViewState });
export type ViewSubmitBody = z.infer<typeof ViewSubmitBody>;

/** Pumble: an app ends the loading state of the element a person clicked (PROTOCOL.md 5). */
export const InteractionCompleteBody = z.object({
  channelId: Id.optional(),
  sourceId: Id,
  sourceType: BlockInteractionSourceType,
  triggerId: Id,
});
export type InteractionCompleteBody = z.infer<typeof InteractionCompleteBody>;
