import type { ErrorBody } from '@switchboard/protocol';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, personOf } from '../auth/authenticate.js';
import { errorResponses } from '../http/schemas.js';
import { CreatedWebhook, CreateWebhookBody, UpdateWebhookBody, Webhook } from './webhook-schemas.js';
import type { VerifiedOr, WebhooksService } from './webhooks-service.js';

const Id = z.string().min(1).max(64);
const AppParams = z.object({ appId: Id });
const WebhookParams = AppParams.extend({ webhookId: Id });

export interface WebhooksRoutesOptions {
  webhooks: WebhooksService;
  auth: Authenticator;
}

/** A failed handshake is the caller's to fix: 400 with what was wrong (`reason` is machine-readable). */
function answer<T>(reply: FastifyReply, result: VerifiedOr<T>) {
  if (result.ok) return result.value;
  const body: ErrorBody = { code: 'webhook_verification_failed', message: result.message, reason: result.reason };
  return reply.status(400).send(body);
}

/** Watson-style webhooks of an app (seed 003, PROTOCOL.md 8); only the app's owner manages them. */
export const webhooksRoutes: FastifyPluginAsyncZod<WebhooksRoutesOptions> = async (app, { webhooks, auth }) => {
  const tags = ['webhooks'];
  const base = '/v1/apps/:appId/webhooks';
  app.addHook('preHandler', auth.required);

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a webhook (disabled until verified); the answer is the only time its secret is shown',
        params: AppParams,
        body: CreateWebhookBody,
        response: { 201: CreatedWebhook, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(personOf(request), request.params.appId, request.body)),
  );

  app.get(
    base,
    { schema: { tags, summary: "The app's webhooks, without secrets", params: AppParams, response: { 200: z.array(Webhook), ...errorResponses } } },
    async (request) => webhooks.list(personOf(request), request.params.appId),
  );

  app.put(
    `${base}/:webhookId`,
    {
      schema: {
        tags,
        summary: 'Change url and/or events; pending deliveries retry at once (a new URL of an enabled webhook is verified first)',
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: { 200: Webhook, ...errorResponses },
      },
    },
    async (request, reply) => answer(reply, await webhooks.update(personOf(request), request.params.appId, request.params.webhookId, request.body)),
  );

  app.post(
    `${base}/:webhookId/enable`,
    {
      schema: {
        tags,
        summary: 'Verify the endpoint (challenge signed with X-OUTBOUND-TOKEN) and enable it; 400 webhook_verification_failed says what was wrong',
        params: WebhookParams,
        response: { 200: Webhook, ...errorResponses },
      },
    },
    async (request, reply) => answer(reply, await webhooks.enable(personOf(request), request.params.appId, request.params.webhookId)),
  );

  app.post(
    `${base}/:webhookId/disable`,
    { schema: { tags, summary: 'Stop deliveries', params: WebhookParams, response: { 200: Webhook, ...errorResponses } } },
    async (request) => webhooks.disable(personOf(request), request.params.appId, request.params.webhookId),
  );

  app.delete(
    `${base}/:webhookId`,
    { schema: { tags, summary: 'Delete the webhook and cancel its pending retries', params: WebhookParams, response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      await webhooks.delete(personOf(request), request.params.appId, request.params.webhookId);
      return reply.status(204).send(null);
    },
  );
};
