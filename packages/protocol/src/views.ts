import { z } from 'zod';

/**
 * Views (modals and home views) as they travel in VIEW_ACTION and BLOCK_INTERACTION
 * payloads and in modal replies (PROTOCOL.md 6.2, 6.3). Blocks are opaque here: the
 * platform stores and renders them but does not own their vocabulary, and Pumble keeps
 * adding element types.
 */

/** Values the person entered, keyed by block id, then by the element's `onAction`. */
export const ViewState = z.object({
  values: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type ViewState = z.infer<typeof ViewState>;

// Loose: Pumble views carry presentation fields (title, submit, close, …) that the
// protocol passes through untouched.
export const View = z.looseObject({
  id: z.string().optional().describe('Set by the platform; absent when an app opens a new modal'),
  type: z.string().min(1).describe('"MODAL" or "HOME"'),
  callbackId: z.string().optional(),
  title: z.unknown().optional(),
  submit: z.unknown().optional(),
  close: z.unknown().optional(),
  notifyOnClose: z.boolean().optional(),
  parentViewId: z.string().optional(),
  blocks: z.array(z.unknown()).max(100),
  state: ViewState.optional(),
});
export type View = z.infer<typeof View>;

/** A modal the platform already knows, as sent back to the app on submit or close. */
export const SubmittedModalView = View.extend({ id: z.string(), type: z.literal('MODAL') });
export type SubmittedModalView = z.infer<typeof SubmittedModalView>;
