import { HomeView, PublishHomeViewBody, SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf } from '../../auth/authenticate.js';
import { errorResponses } from '../../http/schemas.js';
import type { HomeViewsService } from './home-views-service.js';

const Id = z.string().min(1).max(64);

/** Publishing a person's home view (Pumble `AppClientV1.publishHomeView`) and reading it (the web page). */
export const homeViewsRoutes: FastifyPluginAsyncZod<{ homeViews: HomeViewsService; auth: Authenticator }> = async (app, { homeViews, auth }) => {
  const tags = ['apps'];
  app.addHook('preHandler', auth.required);

  app.post(
    '/v1/app/homeView/workspaceUsers/:userId',
    {
      schema: {
        tags,
        summary: 'An app publishes the home view one person sees',
        params: z.object({ userId: Id }),
        body: PublishHomeViewBody,
        response: { 200: HomeView, ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (actor.kind !== 'app') throw new SwitchboardError('forbidden', 'Only an app publishes home views.');
      return homeViews.publish(actor, request.params.userId, request.body);
    },
  );

  app.get(
    '/v1/apps/:appId/homeView',
    {
      schema: {
        tags,
        summary: 'The home view of an installed app for the caller (its default when none was published)',
        params: z.object({ appId: Id }),
        response: { 200: HomeView, ...errorResponses },
      },
    },
    async (request) => homeViews.viewOf(actorOf(request), request.params.appId),
  );
};
