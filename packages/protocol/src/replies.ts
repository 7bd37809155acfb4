import { z } from 'zod';
import { View } from './views.js';

/**
 * App → platform answers to a trigger (PROTOCOL.md 6.3): the HTTP response body, or
 * the `body` of a socket reply frame. Which shape is expected follows from the trigger
 * the platform sent, so there is no union to guess from.
 */

/** Acknowledgement (2xx) or refusal (non-2xx): an optional text shown to the person as an ephemeral message. */
export const AckReply = z.object({ message: z.string().max(40_000).optional() });
export type AckReply = z.infer<typeof AckReply>;

export const ModalAction = z.enum(['OPEN', 'UPDATE', 'PUSH']);
export type ModalAction = z.infer<typeof ModalAction>;

/** Opens, updates or pushes a modal for the trigger. */
export const ModalReply = z.object({
  triggerId: z.string(),
  view: View,
  viewType: z.literal('NATIVE'),
  action: ModalAction,
});
export type ModalReply = z.infer<typeof ModalReply>;

/** Options are block-kit objects (`{text, value}` or option groups); the client renders them. */
export const MenuOption = z.record(z.string(), z.unknown());
export type MenuOption = z.infer<typeof MenuOption>;

/** The options of a dynamic menu for the person's current query. */
export const MenuReply = z.object({
  onAction: z.string(),
  options: z.array(MenuOption).max(1000),
  triggerId: z.string(),
  value: z.string().optional(),
});
export type MenuReply = z.infer<typeof MenuReply>;

/**
 * (Ours) The answer to a VIEW_ACTION SUBMIT that refuses the input: a message per block id,
 * shown next to the field; the view stays open. A Pumble app never sends it.
 */
export const ViewErrorsReply = z.object({ errors: z.record(z.string(), z.string().max(2_000)) });
export type ViewErrorsReply = z.infer<typeof ViewErrorsReply>;
