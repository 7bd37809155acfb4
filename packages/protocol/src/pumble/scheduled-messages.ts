import { z } from 'zod';
import { MessageFile } from './files.js';

/** Scheduled messages of the Pumble SDK (`/v1/messages/scheduled…`; `types.ts` ScheduledMessage*). */

export const RecurrenceType = z.enum([
  'DAILY',
  'BUSINESSDAYS',
  'WEEKLY',
  'BIWEEKLY',
  'MONTHLY_NTH_WEEKDAY',
  'MONTHLY_LAST_WEEKDAY',
  'QUARTERLY_NTH_WEEKDAY',
  'QUARTERLY_LAST_WEEKDAY',
  'ANNUALLY',
]);
export type RecurrenceType = z.infer<typeof RecurrenceType>;

const Epoch = z.number().int().min(0).max(4_000_000_000_000);

export const ScheduledMessageRecurrenceRequest = z.object({
  recurrenceType: RecurrenceType,
  endAfterOccurrences: z.number().int().min(0).max(9999).optional(),
  endDate: Epoch.optional(),
});
export type ScheduledMessageRecurrenceRequest = z.infer<typeof ScheduledMessageRecurrenceRequest>;

/** Create and edit body (`ScheduledMessageRequest`); `files` are ids of completed uploads (ours, as on a post). */
export const ScheduledMessageRequest = z.object({
  sendAt: Epoch.describe('Epoch ms when it is posted'),
  text: z.string().max(100_000).default(''),
  channelId: z.string().min(1).max(64),
  blocks: z.array(z.unknown()).max(100).optional(),
  attachments: z.array(z.unknown()).max(100).optional(),
  files: z.array(z.string().min(1).max(64)).max(20).optional(),
  recurrence: ScheduledMessageRecurrenceRequest.optional(),
});
export type ScheduledMessageRequest = z.infer<typeof ScheduledMessageRequest>;

export const ScheduledMessageAttachmentsBody = z.object({ attachments: z.array(z.unknown()).max(100) });

export const ScheduledMessageRecurrence = z.object({
  recurrenceType: RecurrenceType,
  endAfterOccurrences: z.number().int(),
  endDate: z.number().int(),
});

export const ScheduledMessage = z.object({
  id: z.string(),
  workspaceId: z.string(),
  author: z.string(),
  channelId: z.string(),
  text: z.string(),
  sentAt: z.number().int().describe('When it will be posted (epoch ms; the SDK names it sentAt)'),
  files: z.array(MessageFile),
  blocks: z.array(z.unknown()).optional(),
  attachments: z.array(z.record(z.string(), z.unknown())),
  recurrence: ScheduledMessageRecurrence.optional(),
});
export type ScheduledMessage = z.infer<typeof ScheduledMessage>;

export const ScheduledMessages = z.object({ scheduledMessages: z.array(ScheduledMessage), hasMore: z.boolean() });
export type ScheduledMessages = z.infer<typeof ScheduledMessages>;
