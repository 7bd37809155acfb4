import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import { deriveKey, loadServerKey, SecretBox } from '@switchboard/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { AppTokenVerifier } from './auth/app-token-verifier.js';
import { createAuthenticate } from './auth/authenticate.js';
import { PgWakeBus } from './cluster/pg-wake-bus.js';
import { RemoteTriggers } from './cluster/remote-triggers.js';
import { LocalWakeBus, type WakeBus } from './cluster/wake-bus.js';
import { type RelayOptions, type ResolvedRelayOptions, resolveRelayOptions } from './config.js';
import { ConsumerHub } from './consumers/consumer-hub.js';
import { DrainService } from './consumers/drain-service.js';
import { streamRoutes } from './consumers/stream-routes.js';
import { TriggerRelay } from './consumers/trigger-relay.js';
import { MAX_SOCKET_PAYLOAD_BYTES } from './consumers/ws-session.js';
import { installErrorHandler } from './http/error-handler.js';
import { lazyChildLoggerFactory } from './http/lazy-child-logger.js';
import { createRelayLogger } from './http/logger.js';
import { registerOpenApi, registerOpenApiRoute } from './http/openapi.js';
import { hookRoutes } from './ingest/hook-routes.js';
import { IngestService } from './ingest/ingest-service.js';
import { opsRoutes } from './ops/ops-routes.js';
import { RelayMetrics } from './ops/relay-metrics.js';
import { enforceRetention } from './ops/retention.js';
import { registrationRoutes } from './registrations/registration-routes.js';
import { Registrations } from './registrations/registrations.js';
import { replayRoutes } from './replay/replay-routes.js';
import { AppsStore } from './store/apps-store.js';
import { EventsStore } from './store/events-store.js';
import { openRelayStore, type RelayStore } from './store/open-store.js';

/** A built relay: its HTTP app and the parts tests and operators look at. */
export interface Relay {
  app: FastifyInstance;
  options: ResolvedRelayOptions;
  store: RelayStore;
  events: EventsStore;
  metrics: RelayMetrics;
  log: Logger;
  /** Listens on the configured host and port; resolves to the base URL. */
  listen(): Promise<string>;
  /** Graceful stop: no new hooks, in-flight ones finish, consumer sockets close with 1001, store closed. */
  close(): Promise<void>;
}

/** WebSocket close code "going away" (RFC 6455): the client reconnects, to this node or another. */
const GOING_AWAY = 1001;

/**
 * Builds the relay (PROTOCOL.md 9): opens its store, wires ingest → queue → consumers, and
 * composes the Fastify app from one plugin per room.
 * @example
 * const relay = await buildRelay({ dataDir: './relay-data', platformUrl: 'http://localhost:8080' });
 * const url = await relay.listen();
 */
export async function buildRelay(input: RelayOptions): Promise<Relay> {
  const options = resolveRelayOptions(input);
  const log = options.logger ?? createRelayLogger(options.logLevel);
  const store = await openRelayStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, pgSchema: options.pgSchema });
  const events = new EventsStore(store.db, store.dialect, store.sqlite);
  const metrics = new RelayMetrics(events);
  let apps: AppsStore;
  try {
    apps = new AppsStore(store.db, registrationBox(options, store.dialect, log));
    const sealed = await apps.sealStored();
    if (sealed > 0) log.info({ sealed }, 'sealed registration secrets stored before a key was configured');
  } catch (error) {
    await store.close();
    throw error;
  }
  const registrations = new Registrations(apps, events, options.now);
  const hub = new ConsumerHub(events, metrics, options, log);
  const triggers = new TriggerRelay(hub, metrics, options.triggerDeadlineMs);
  const bus: WakeBus = store.postgres
    ? new PgWakeBus({
        db: store.db,
        connectionString: store.postgres.url,
        schema: store.postgres.schema,
        nodeId: options.nodeId,
        onError: (error) => log.warn({ err: error }, 'relay wake-up bus'),
      })
    : new LocalWakeBus();
  bus.onWake((appId) => hub.wake(appId));
  // Several nodes: a trigger reaching one without a consumer of its app goes to one that has one.
  const remoteTriggers = store.postgres
    ? new RemoteTriggers(
        store.db,
        bus,
        hub,
        triggers,
        metrics,
        { nodeId: options.nodeId, deadlineMs: options.triggerDeadlineMs, heartbeatMs: Math.min(options.pollIntervalMs, 1_000), now: options.now },
        log,
      )
    : undefined;
  triggers.remote = remoteTriggers;
  hub.onAppsChanged = remoteTriggers && (() => remoteTriggers.changed());
  const ingest = new IngestService(registrations, events, hub, triggers, bus, metrics, options, log);
  const verifier = options.platformUrl
    ? new AppTokenVerifier({ platformUrl: options.platformUrl, issuer: options.tokenIssuer, audience: options.tokenAudience, now: options.now })
    : undefined;
  if (!verifier) log.warn('the relay accepts consumers WITHOUT a token (allowUnauthenticated): development only');
  const authenticate = createAuthenticate(verifier);
  const sockets = new Set<WebSocket>();
  let closing = false;

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandler(app);
  await registerOpenApi(app);
  await app.register(rateLimit, { global: false });
  await app.register(opsRoutes, { metrics, db: store.db, isClosing: () => closing });
  await app.register(hookRoutes, { ingest, bodyLimit: options.bodyLimit });
  await app.register(registrationRoutes, { registrations, authenticate, perMinute: options.registrationsPerMinute });
  // The WebSocket plugin hooks every request of its scope (onRequest, onResponse): it gets a scope
  // of its own with the stream routes, so ingest and the rest of the API run without them.
  await app.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: MAX_SOCKET_PAYLOAD_BYTES } });
    await scope.register(streamRoutes, {
      // A drain client polls: what it was handed stays with it at least 30 s, however short the ack timeout.
      drain: new DrainService(events, metrics, { leaseMs: Math.max(options.ackTimeoutMs, 30_000), now: options.now, maxDrain: 1000 }),
      registrations,
      authenticate,
      session: { hub, triggers, nodeId: options.nodeId, pingIntervalMs: options.pingIntervalMs, now: options.now, log, sockets },
    });
  });
  await app.register(replayRoutes, { events, hub, authenticate, notify: (appId) => bus.notify(appId) });
  registerOpenApiRoute(app);

  // SQLite has one owner: leases left by a killed predecessor belong to connections that are gone.
  if (store.dialect === 'sqlite') await events.releaseAll();
  await bus.start();
  remoteTriggers?.start();
  // Events queued before a restart, or by nodes that are gone, wait for consumers here too.
  const poller = setInterval(() => hub.tick(), options.pollIntervalMs);
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    enforceRetention(events, metrics, options, log)
      .catch((error: unknown) => log.error({ err: error }, 'retention pass failed'))
      .finally(() => {
        sweeping = false;
      });
  }, options.sweepIntervalMs);

  let closed: Promise<void> | undefined;
  return {
    app,
    options,
    store,
    events,
    metrics,
    log,
    async listen() {
      const address = await app.listen({ port: options.port, host: options.host });
      const url = new URL(address);
      return `http://${url.hostname === '::1' ? '[::1]' : url.hostname}:${url.port}`;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        clearInterval(poller);
        clearInterval(sweeper);
        for (const socket of sockets) socket.close(GOING_AWAY, 'relay shutting down');
        // Fastify waits for in-flight requests (ingests commit before they answer).
        await app.close();
        // Acks that arrived are written; what consumers still held goes back to the queue.
        await hub.flush();
        await hub.detachAll();
        await remoteTriggers?.stop();
        await bus.stop();
        await store.close();
      })();
      return closed;
    },
  };
}

/** The box sealing registration secrets at rest (see `RelayOptions.secretKey`). */
function registrationBox(options: ResolvedRelayOptions, dialect: RelayStore['dialect'], log: Logger): SecretBox | undefined {
  if (!options.secretKey && dialect === 'postgres') {
    log.warn('registration secrets are stored unsealed: set SWITCHBOARD_RELAY_SECRET_KEY (the same on every node) to seal them');
    return undefined;
  }
  const master = loadServerKey(options.dataDir, options.secretKey, 'SWITCHBOARD_RELAY_SECRET_KEY');
  return new SecretBox(deriveKey(master, 'relay-registrations'));
}

/** Builds and listens; the CLI's `switchboard relay`. @example const { relay, url } = await startRelay({ port: 8090, platformUrl }); */
export async function startRelay(options: RelayOptions): Promise<{ relay: Relay; url: string }> {
  const relay = await buildRelay(options);
  try {
    return { relay, url: await relay.listen() };
  } catch (error) {
    await relay.close();
    throw error;
  }
}
