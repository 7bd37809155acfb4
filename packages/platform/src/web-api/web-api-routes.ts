import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type Authenticator, personOf } from '../auth/authenticate.js';
import type { ChannelsService } from '../chat/channels/channels-service.js';
import type { Clock } from '../clock.js';
import { errorResponses } from '../http/schemas.js';
import type { Database } from '../store/schema.js';
import { ReadStateStore } from './read-state-store.js';
import { MarkReadBody, SidebarResponse, UnreadResponse, WebAppsResponse, WebSlashCommand } from './web-api-schemas.js';
import { WebAppsService } from './web-apps-service.js';
import { WebAppsStore } from './web-apps-store.js';

export interface WebApiOptions {
  db: Kysely<Database>;
  channels: ChannelsService;
  clock: Clock;
  auth: Authenticator;
}

/** What the chat page needs beyond the Pumble API: Configure Apps, slash-command autocomplete, unread markers. People only. */
export const webApiRoutes: FastifyPluginAsyncZod<WebApiOptions> = async (app, { db, channels, clock, auth }) => {
  const tags = ['web'];
  const apps = new WebAppsService(new WebAppsStore(db));
  const reads = new ReadStateStore(db);
  app.addHook('preHandler', auth.required);

  app.get(
    '/v1/web/apps',
    {
      schema: {
        tags,
        summary: 'Configure Apps: installed, own and published apps with scopes, bot and install links',
        response: { 200: WebAppsResponse, ...errorResponses },
      },
    },
    async (request) => apps.list(personOf(request)),
  );

  app.get(
    '/v1/web/commands',
    {
      schema: {
        tags,
        summary: 'Slash commands of the apps installed in the workspace (composer autocomplete)',
        response: { 200: z.array(WebSlashCommand), ...errorResponses },
      },
    },
    async (request) => apps.commands(personOf(request)),
  );

  app.get(
    '/v1/web/unread',
    { schema: { tags, summary: 'Unread message counts of the channels you are in', response: { 200: UnreadResponse, ...errorResponses } } },
    async (request) => ({ channels: await reads.unread(personOf(request).userId) }),
  );

  app.get(
    '/v1/web/sidebar',
    {
      schema: {
        tags,
        summary: 'The sidebar in one call: visible channels (direct ones with their people) and unread counts',
        response: { 200: SidebarResponse, ...errorResponses },
      },
    },
    async (request) => {
      const person = personOf(request);
      const [visible, unread] = await Promise.all([channels.list(person, ['PUBLIC', 'PRIVATE', 'DIRECT', 'SELF']), reads.unread(person.userId)]);
      const withPeople = await Promise.all(
        visible.map((info) => (info.channel.channelType === 'DIRECT' || info.channel.channelType === 'SELF' ? channels.info(person, info.channel.id) : info)),
      );
      return { channels: withPeople, unread };
    },
  );

  app.put(
    '/v1/web/channels/:channelId/read',
    {
      schema: {
        tags,
        summary: 'Mark a channel read up to a message time',
        params: z.object({ channelId: z.string().min(1).max(64) }),
        body: MarkReadBody,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const person = personOf(request);
      const { isMember } = await channels.readable(person, request.params.channelId);
      if (isMember) await reads.markRead(person.userId, request.params.channelId, Math.min(request.body.timestampMilli, clock.now()));
      return reply.status(204).send(null);
    },
  );
};
