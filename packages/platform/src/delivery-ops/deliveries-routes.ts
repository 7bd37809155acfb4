import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Authenticator, personOf } from '../auth/authenticate.js';
import { errorResponses } from '../http/schemas.js';
import type { DeliveriesService } from './deliveries-service.js';
import { Delivery, DeliveryDetail, DeliveryListQuery, DeliveryPage, DeliveryParams, OneDeliveryParams, RetryAnswer } from './delivery-schemas.js';

export interface DeliveriesRoutesOptions {
  deliveries: DeliveriesService;
  auth: Authenticator;
}

const conflict = { 409: errorResponses[400] };

/** Event delivery operations of an app; only its owner (person `Authtoken`) sees them, others get 404. */
export const deliveriesRoutes: FastifyPluginAsyncZod<DeliveriesRoutesOptions> = async (app, { deliveries, auth }) => {
  const tags = ['deliveries'];
  const base = '/v1/apps/:appId/deliveries';
  app.addHook('preHandler', auth.required);

  app.get(
    base,
    {
      schema: {
        tags,
        summary: "The app's event deliveries, newest first (filter by status, event type, webhook; page with nextCursor)",
        params: DeliveryParams,
        querystring: DeliveryListQuery,
        response: { 200: DeliveryPage, ...errorResponses },
      },
    },
    async (request) => deliveries.list(personOf(request), request.params.appId, request.query),
  );

  app.post(
    `${base}/retry`,
    {
      schema: {
        tags,
        summary: 'Retry now: every pending delivery of the app becomes due at once, with a fresh retry schedule',
        params: DeliveryParams,
        response: { 202: RetryAnswer, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(202).send(await deliveries.retryPending(personOf(request), request.params.appId)),
  );

  app.get(
    `${base}/:deliveryId`,
    {
      schema: {
        tags,
        summary: 'One delivery with its payload and attempts (time, url, status code, latency, error, next attempt)',
        params: OneDeliveryParams,
        response: { 200: DeliveryDetail, ...errorResponses },
      },
    },
    async (request) => deliveries.get(personOf(request), request.params.appId, request.params.deliveryId),
  );

  app.post(
    `${base}/:deliveryId/redeliver`,
    {
      schema: {
        tags,
        summary: 'Send a delivery again under the same delivery id (409 while it is being attempted)',
        params: OneDeliveryParams,
        response: { 202: Delivery, ...errorResponses, ...conflict },
      },
    },
    async (request, reply) => reply.status(202).send(await deliveries.redeliver(personOf(request), request.params.appId, request.params.deliveryId)),
  );
};
