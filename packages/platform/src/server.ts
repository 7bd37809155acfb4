import { createHash } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { appSelfRoutes } from './api/app-self-routes.js';
import { callsRoutes } from './api/calls-routes.js';
import { appsRoutes } from './apps/apps-routes.js';
import type { Authenticator } from './auth/authenticate.js';
import { directoryRoutes } from './auth/directory-routes.js';
import { leadRoutes } from './auth/lead-routes.js';
import { oneTimeLoginRoutes } from './auth/one-time-login-routes.js';
import { authRoutes } from './auth/routes.js';
import { channelsRoutes } from './chat/channels/channels-routes.js';
import { customStatusRoutes } from './chat/custom-status/custom-status-routes.js';
import { homeViewsRoutes } from './chat/home-views/home-views-routes.js';
import { messagesRoutes } from './chat/messages/messages-routes.js';
import { realtimeRoutes } from './chat/realtime/realtime-routes.js';
import { userGroupsRoutes } from './chat/user-groups/user-groups-routes.js';
import { usersRoutes } from './chat/users/users-routes.js';
import type { PlatformConfig } from './config.js';
import { deliveriesRoutes } from './delivery-ops/index.js';
import { filesRoutes } from './files/index.js';
import { healthRoutes } from './health/health-routes.js';
import { installCsrfGuard } from './http/csrf.js';
import { installErrorHandler } from './http/error-handler.js';
import { frameworkErrorOptions } from './http/framework-errors.js';
import { installJsonBodyParser } from './http/json-body.js';
import { registerOpenApi, registerOpenApiRoute } from './http/openapi.js';
import { schemaRoutes } from './http/schema-routes.js';
import { metricsRoutes } from './metrics/index.js';
import { consentRoutes } from './oauth/consent-routes.js';
import { identityRoutes } from './oauth/identity-routes.js';
import { oauth2Routes } from './oauth/oauth2-routes.js';
import { scheduledRoutes } from './scheduled/index.js';
import { searchRoutes } from './search/index.js';
import { deriveKey } from './security/server-key.js';
import type { PlatformServices } from './services.js';
import { socketRoutes } from './socket/index.js';
import { installCommandInterceptor, interactionsRoutes } from './triggers/index.js';
import { loginRoutes } from './web/login-routes.js';
import { webRoutes } from './web/web-routes.js';
import { webApiRoutes } from './web-api/web-api-routes.js';
import { webhooksRoutes } from './webhooks/index.js';

/** The app credential a request carries (hashed: raw tokens never sit in the limiter's keys). */
function appCredential(request: FastifyRequest): string | undefined {
  const token = request.headers.token ?? request.headers.authorization;
  return typeof token === 'string' && token.length > 0 ? createHash('sha256').update(token).digest('base64url') : undefined;
}

export interface ServerParts {
  config: PlatformConfig;
  services: PlatformServices;
  auth: Authenticator;
  isClosing: () => boolean;
  logger: FastifyBaseLogger;
}

/** Builds the Fastify app: cross-cutting plugins first, then one plugin per room. */
export async function buildServer({ config, services, auth, isClosing, logger }: ServerParts): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimit,
    trustProxy: false,
    return503OnClosing: true,
    ...frameworkErrorOptions,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Responses are documented from their schemas but serialised as plain JSON: validating
  // every outgoing message costs more than it protects (services build them from typed rows).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandler(app);
  installJsonBodyParser(app);
  installCsrfGuard(app);

  await registerOpenApi(app);
  await app.register(cookie);
  await app.register(formbody);
  // Per app token (PROTOCOL.md: 429 + Retry-After). People's routes carry their own limits.
  await app.register(rateLimit, {
    global: true,
    max: config.appRateLimitPerSecond,
    timeWindow: 1000,
    allowList: (request) => appCredential(request) === undefined,
    keyGenerator: (request) => appCredential(request) ?? request.ip,
  });
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });

  installCommandInterceptor(app, auth, services.commands);
  await app.register(healthRoutes, { store: services.store, isClosing });
  await app.register(authRoutes, { sessions: services.sessions, auth });
  await app.register(directoryRoutes, { users: services.usersStore, auth });
  await app.register(leadRoutes, { leads: services.leads });
  await app.register(usersRoutes, { users: services.users, auth });
  await app.register(userGroupsRoutes, { groups: services.userGroups, auth });
  await app.register(customStatusRoutes, { statuses: services.customStatus, auth });
  await app.register(homeViewsRoutes, { homeViews: services.homeViews, auth });
  await app.register(callsRoutes, { auth });
  await app.register(channelsRoutes, { channels: services.channels, auth });
  await app.register(messagesRoutes, { messages: services.messages, auth });
  await app.register(searchRoutes, { search: services.search, auth });
  await app.register(scheduledRoutes, { scheduled: services.scheduled.service, auth });
  await app.register(filesRoutes, { files: services.files, auth });
  await app.register(realtimeRoutes, { hub: services.realtime, auth });
  await app.register(appsRoutes, { apps: services.apps, grants: services.grants, installations: services.installations, auth });
  await app.register(oauth2Routes, { exchange: services.exchange, lifecycle: services.lifecycle, users: services.usersStore, auth });
  await app.register(appSelfRoutes, { lifecycle: services.lifecycle, auth });
  await app.register(consentRoutes, { grants: services.grants, users: services.usersStore, auth, csrfKey: deriveKey(services.serverKey, 'csrf') });
  await app.register(webhooksRoutes, { webhooks: services.webhooks, auth });
  await app.register(interactionsRoutes, { triggers: services.triggers, auth, perMinute: config.triggerRateLimitPerMinute });
  await app.register(deliveriesRoutes, { deliveries: services.deliveries, auth });
  await app.register(metricsRoutes, { metrics: services.metrics, token: config.metricsToken });
  await app.register(loginRoutes, { sessions: services.sessions });
  await app.register(webRoutes);
  await app.register(webApiRoutes, { db: services.store.db, channels: services.channels, clock: services.clock, auth });
  await app.register(oneTimeLoginRoutes, { logins: services.oneTimeLogins, auth, publicUrl: config.publicUrl });
  await app.register(schemaRoutes);
  await app.register(socketRoutes, { hub: services.socketHub, apps: services.apps, publicUrl: config.publicUrl });
  await app.register(identityRoutes, {
    identity: services.identity,
    keys: services.identityKeys,
    personTokens: services.personTokens,
    exchange: services.exchange,
  });

  registerOpenApiRoute(app);
  return app;
}
