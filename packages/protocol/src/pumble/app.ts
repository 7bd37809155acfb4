import { z } from 'zod';

/** App-level shapes of the Pumble SDK (`AppClientV1`, `CallsApiClientV1`). */

export const BlockTextElement = z.object({ type: z.literal('plain_text'), text: z.string(), emoji: z.boolean().optional() });

/** `publishHomeView` body; also the manifest's `defaultHomeView`. */
export const PublishHomeViewBody = z.object({
  blocks: z.array(z.unknown()).max(100),
  title: BlockTextElement.optional(),
  state: z.unknown().optional(),
});
export type PublishHomeViewBody = z.infer<typeof PublishHomeViewBody>;

/** A home view as a person's page reads it (ours). */
export const HomeView = z.object({
  appId: z.string(),
  workspaceUserId: z.string(),
  blocks: z.array(z.unknown()),
  title: BlockTextElement.optional(),
  state: z.unknown().optional(),
  isDefault: z.boolean().describe('True when the app published nothing for this person and the manifest default is shown'),
  updatedAt: z.number().int().nullable(),
});
export type HomeView = z.infer<typeof HomeView>;

/** Switchboard has no calls: `POST /v1/calls/permanent` answers 501 with this body. */
export const NotSupportedError = z.object({ code: z.literal('not_supported'), message: z.string() });
