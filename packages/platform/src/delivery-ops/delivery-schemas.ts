import { z } from 'zod';

const Id = z.string().min(1).max(64);

export const DeliveryStatus = z.enum(['pending', 'delivered', 'failed', 'cancelled']);

export const DeliveryParams = z.object({ appId: Id });
export const OneDeliveryParams = DeliveryParams.extend({ deliveryId: Id });

export const DeliveryListQuery = z.object({
  status: DeliveryStatus.optional(),
  eventType: z.string().min(1).max(64).optional().describe('e.g. NEW_MESSAGE'),
  webhookId: Id.optional().describe("Only deliveries to this webhook; omit for all (the app's event URL and its webhooks)"),
  cursor: z
    .string()
    .regex(/^[0-9a-f]{24}$/, 'must be the nextCursor of a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>;

/** One event delivery (an outbox row); its id is the x-switchboard-delivery-id the receiver saw. */
export const Delivery = z.object({
  id: z.string(),
  workspaceId: z.string(),
  eventType: z.string(),
  channelKey: z.string().describe('Ordering lane: deliveries of one channel go in order'),
  webhookId: z.string().nullable().describe("Null: the app's event URL"),
  status: DeliveryStatus,
  attemptCount: z.number().int(),
  createdAt: z.number(),
  nextAttemptAt: z.number().nullable().describe('When the next attempt is due (pending only)'),
  firstFailedAt: z.number().nullable().describe('Start of the 72 h retry schedule'),
  lastAttemptAt: z.number().nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.number().nullable(),
  inFlight: z.boolean().describe('A dispatcher holds it right now'),
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryPage = z.object({ deliveries: z.array(Delivery), nextCursor: z.string().nullable() });
export type DeliveryPage = z.infer<typeof DeliveryPage>;

export const Attempt = z.object({
  at: z.number(),
  url: z.string().nullable(),
  transport: z.string().nullable(),
  outcome: z.enum(['delivered', 'retry', 'failed']),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().nullable(),
  error: z.string().nullable(),
  nextAttemptAt: z.number().nullable(),
});
export type Attempt = z.infer<typeof Attempt>;

export const DeliveryDetail = Delivery.extend({
  payload: z.string().describe('The exact body that is POSTed (and signed)'),
  attempts: z.array(Attempt).describe('Failed attempts and the success that ended them, oldest first (kept 7 days)'),
});
export type DeliveryDetail = z.infer<typeof DeliveryDetail>;

export const RetryAnswer = z.object({ rescheduled: z.number().int().describe('Pending deliveries made due now') });
