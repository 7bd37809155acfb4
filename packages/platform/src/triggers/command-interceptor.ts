import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticate.js';
import { parseCommand, type SlashCommands } from './slash-commands.js';

const MESSAGE_ROUTES = new Set(['/v1/channels/:channelId/messages', '/v1/channels/:channelId/messages/:messageId']);

/**
 * A person posting text that starts with a slash command triggers the command instead of
 * posting (PROTOCOL.md 5). Runs before the message routes; answers 202 with the outcome, the
 * app's reply arrives as an ephemeral message on /v1/realtime.
 */
export function installCommandInterceptor(app: FastifyInstance, auth: Authenticator, commands: SlashCommands): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST' || !MESSAGE_ROUTES.has(request.routeOptions.url ?? '')) return;
    const body = request.body as { text?: unknown; ephemeral?: unknown } | undefined;
    if (typeof body?.text !== 'string' || body.ephemeral !== undefined || !parseCommand(body.text)) return;
    await auth.required.call(app, request, reply);
    const actor = request.actor;
    if (actor?.kind !== 'person') return; // apps post text as is
    const params = request.params as { channelId: string; messageId?: string };
    const result = await commands.run(actor, params.channelId, body.text, params.messageId);
    return reply.status(202).send(result);
  });
}
