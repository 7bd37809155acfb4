import { z } from 'zod';
import { WEBHOOK_EVENT_NAMES } from './webhook-events.js';

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
};

export const WebhookUrl = z
  .string()
  .max(2048)
  .refine(isHttpUrl, { message: 'must be an absolute http(s) URL without credentials' })
  .describe('Where events are POSTed');

export const WebhookEventNameSchema = z.enum(WEBHOOK_EVENT_NAMES, {
  error: (issue) => (issue.input === undefined ? undefined : `unknown webhook event ${JSON.stringify(issue.input)}`),
});

export const WebhookEvents = z
  .array(WebhookEventNameSchema)
  .min(1)
  .max(WEBHOOK_EVENT_NAMES.length * 2)
  .describe('Watson event names, e.g. message-created');

export const CreateWebhookBody = z.object({ url: WebhookUrl, events: WebhookEvents });
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const UpdateWebhookBody = z
  .object({ url: WebhookUrl.optional(), events: WebhookEvents.optional() })
  .refine((body) => body.url !== undefined || body.events !== undefined, { message: 'send url, events or both' });
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBody>;

/** A webhook as listed: never its secret. */
export const Webhook = z.object({
  id: z.string(),
  appId: z.string(),
  url: z.string(),
  events: z.array(WebhookEventNameSchema),
  enabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Webhook = z.infer<typeof Webhook>;

/** The creation answer: the only time the secret is shown. */
export const CreatedWebhook = Webhook.extend({ secret: z.string().describe('256-bit hex HMAC key of X-OUTBOUND-TOKEN; shown once') });
export type CreatedWebhook = z.infer<typeof CreatedWebhook>;
