import type { FastifyInstance } from 'fastify';
import { Authenticator } from './auth/authenticate.js';
import { personStrategy } from './auth/person-strategy.js';
import { type Clock, systemClock } from './clock.js';
import type { PlatformConfig } from './config.js';
import { createLogger } from './http/logging.js';
import { loadServerKey } from './security/server-key.js';
import { type DemoSeedResult, seedDemo } from './seed/demo-seed.js';
import { buildServer } from './server.js';
import { createServices, type PlatformServices } from './services.js';
import { openStore } from './store/db.js';

export interface Platform {
  app: FastifyInstance;
  services: PlatformServices;
  config: PlatformConfig;
  /** Set when this start created the demo workspace. */
  demo?: DemoSeedResult;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /** Base URL once listening. */
  url(): string;
  /** Stops accepting, finishes in-flight requests, closes the database. */
  close(): Promise<void>;
}

export interface PlatformOptions {
  clock?: Clock;
}

/** Opens the store (running migrations), wires the services and builds the HTTP server. */
export async function createPlatform(config: PlatformConfig, options: PlatformOptions = {}): Promise<Platform> {
  const logger = createLogger(config);
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgSchema: config.pgSchema,
    onBackgroundError: (error) => logger.error({ err: error }, 'store background work failed'),
  });
  const serverKey = loadServerKey(config.dataDir, config.secretKey);
  const services = createServices(config, store, serverKey, options.clock ?? systemClock, logger);
  const auth = new Authenticator();
  auth.add(personStrategy(services.sessions));
  auth.add(services.appTokens.strategy);
  auth.add(services.identity.strategy);

  let closing = false;
  const app = await buildServer({ config, services, auth, isClosing: () => closing, logger });
  const demo = config.seedDemo ? await seedDemo(services.users, services.usersStore, config.demoPassword) : undefined;
  let baseUrl = '';

  return {
    app,
    services,
    config,
    demo,
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      await services.cluster.start();
      await services.dispatcher.start();
      const bound = new URL(address);
      if (bound.hostname === '0.0.0.0' || bound.hostname === '[::]') bound.hostname = '127.0.0.1';
      baseUrl = config.publicUrl ?? bound.origin;
      services.files.setPublicBase(baseUrl);
      services.scheduled.poster.start();
      services.files.start();
      return baseUrl;
    },
    url: () => baseUrl,
    async close() {
      if (closing) return;
      closing = true;
      services.realtime.closeAll();
      await services.socketMode.stop();
      await app.close();
      await services.scheduled.poster.stop();
      services.files.stop();
      await services.dispatcher.stop();
      await services.httpTransport.close();
      await services.attemptLog.close();
      await services.cluster.stop();
      await services.triggerSender.close();
      await store.close();
    },
  };
}
