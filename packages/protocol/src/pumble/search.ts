import { z } from 'zod';
import { Message } from '../chat.js';

/** `searchMessages` (`POST /v1/messages/search`): `types.ts` MessageSearchRequest and PageMessageSearchResult. */

const Ids = z.array(z.string().min(1).max(64)).max(50);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date looks like 2025-01-31');

export const SearchStrategy = z.enum(['MOST_RELEVANT', 'MOST_RECENT', 'NEWEST', 'OLDEST']);
export type SearchStrategy = z.infer<typeof SearchStrategy>;

export const MessageSearchRequest = z.object({
  from: Ids.optional().describe('Authors (workspace user ids)'),
  in: Ids.optional().describe('Channel ids'),
  text: z.string().max(500).optional(),
  strategy: SearchStrategy.default('MOST_RELEVANT'),
  before: Day.optional().describe('Deprecated: messages before this UTC day'),
  after: Day.optional().describe('Deprecated: messages after this UTC day'),
  beforeTs: z.number().int().min(1).optional().describe('Epoch ms, exclusive'),
  afterTs: z.number().int().min(1).optional().describe('Epoch ms, exclusive'),
  skip: z.number().int().min(0).max(10_000).default(0),
  limit: z.number().int().min(1).max(20).default(10),
  fromMyChannelsOnly: z.boolean().optional(),
  fromHumanOnly: z.boolean().optional(),
  minReactionCount: z.number().int().min(0).optional(),
  minAttachmentCount: z.number().int().min(0).optional(),
  minFileCount: z.number().int().min(0).optional(),
});
export type MessageSearchRequest = z.infer<typeof MessageSearchRequest>;

/** A found message: the platform's Message (Pumble's field names) plus Pumble's optional highlights. */
export const MessageSearchResult = Message.extend({ highlightedBlocks: z.array(z.unknown()).optional() });
export type MessageSearchResult = z.infer<typeof MessageSearchResult>;

export const PageMessageSearchResult = z.object({
  content: z.array(MessageSearchResult),
  totalElements: z.number().int(),
  hasMore: z.boolean(),
});
export type PageMessageSearchResult = z.infer<typeof PageMessageSearchResult>;
