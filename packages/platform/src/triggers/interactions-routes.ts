import { createHash } from 'node:crypto';
import {
  BlockActionBody,
  InteractionCompleteBody,
  InvokeShortcutBody,
  MenuOptionsResult,
  MenuQueryBody,
  OpenView,
  ShortcutList,
  ShortcutListQuery,
  SwitchboardError,
  TriggerResult,
  ViewSubmitBody,
} from '@switchboard/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf, personOf, SESSION_COOKIE } from '../auth/authenticate.js';
import { errorResponses } from '../http/schemas.js';
import type { Triggers } from './index.js';

const ViewParams = z.object({ viewId: z.string().min(1).max(64) });

/**
 * Who a person-started trigger is counted against: every one makes the platform call an app, so
 * a person (their token or session; the address before sign-in) gets a budget per route. Runs
 * before authentication, hence the raw credential, hashed so no token sits in the limiter.
 */
function personKey(request: FastifyRequest): string {
  const credential = request.headers.authtoken ?? request.cookies?.[SESSION_COOKIE];
  return typeof credential === 'string' && credential ? createHash('sha256').update(credential).digest('base64url') : request.ip;
}

/**
 * A person's side of shortcuts, block interactions, dynamic menus and views (ours, for the web
 * client), and the app's `POST /v1/interactions/complete` (Pumble). Each person route answers
 * with what the app's reply did; messages for the person arrive as ephemeral messages and view
 * changes as `view.*` frames on /v1/realtime too.
 */
export const interactionsRoutes: FastifyPluginAsyncZod<{ triggers: Triggers; auth: Authenticator; perMinute: number }> = async (
  app,
  { triggers, auth, perMinute },
) => {
  const tags = ['interactions'];
  // The global limiter only counts app credentials (allowList); these count people too.
  const config = { rateLimit: { max: perMinute, timeWindow: 60_000, allowList: () => false, keyGenerator: personKey } };
  app.addHook('preHandler', auth.required);

  app.get(
    '/v1/shortcuts',
    {
      schema: {
        tags,
        summary: 'Shortcuts usable here: GLOBAL ones in a channel, or ON_MESSAGE ones for a message',
        querystring: ShortcutListQuery,
        response: { 200: ShortcutList, ...errorResponses },
      },
    },
    async (request) => ({ shortcuts: await triggers.shortcuts.list(personOf(request), request.query) }),
  );

  app.post(
    '/v1/shortcuts/invoke',
    {
      schema: {
        tags,
        summary: 'Use a shortcut: sends SHORTCUT to the app and waits for its answer (≤ 3 s)',
        body: InvokeShortcutBody,
        response: { 200: TriggerResult, ...errorResponses },
      },
      config,
    },
    async (request) => triggers.shortcuts.invoke(personOf(request), request.body),
  );

  app.post(
    '/v1/interactions/blocks',
    {
      schema: {
        tags,
        summary: 'Click or select on an interactive element of an app message or view: sends BLOCK_INTERACTION',
        body: BlockActionBody,
        response: { 200: TriggerResult, ...errorResponses },
      },
      config,
    },
    async (request) => triggers.blocks.act(personOf(request), request.body),
  );

  app.post(
    '/v1/interactions/menus',
    {
      schema: {
        tags,
        summary: "A dynamic select's options for what the person typed: sends DYNAMIC_MENU (app failures are 200 with `error`)",
        body: MenuQueryBody,
        response: { 200: MenuOptionsResult, ...errorResponses },
      },
      config,
    },
    async (request) => triggers.menus.options(personOf(request), request.body),
  );

  app.get(
    '/v1/views/:viewId',
    { schema: { tags, summary: 'One of my open views', params: ViewParams, response: { 200: OpenView, ...errorResponses } } },
    async (request) => {
      const person = personOf(request);
      return triggers.views.toOpenView(await triggers.views.openOf(person.userId, request.params.viewId));
    },
  );

  app.post(
    '/v1/views/:viewId/submit',
    {
      schema: {
        tags,
        summary: 'Submit an open view with my input: sends VIEW_ACTION SUBMIT',
        params: ViewParams,
        body: ViewSubmitBody,
        response: { 200: TriggerResult, ...errorResponses },
      },
      config,
    },
    async (request) => triggers.viewActions.submit(personOf(request), request.params.viewId, request.body.state),
  );

  app.post(
    '/v1/views/:viewId/close',
    {
      schema: {
        tags,
        summary: 'Close an open view (and those pushed above it); sends VIEW_ACTION CLOSE when the view asked for it',
        params: ViewParams,
        response: { 200: TriggerResult, ...errorResponses },
      },
      config,
    },
    async (request) => triggers.viewActions.close(personOf(request), request.params.viewId),
  );

  app.post(
    '/v1/interactions/complete',
    {
      schema: {
        tags,
        summary: 'App: end the loading state of the element a person clicked (PROTOCOL.md 5)',
        body: InteractionCompleteBody,
        response: { 200: z.object({}), ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (actor.kind !== 'app') throw new SwitchboardError('forbidden', 'Only apps complete interactions.');
      await triggers.pending.complete(actor, request.body);
      return {};
    },
  );
};
