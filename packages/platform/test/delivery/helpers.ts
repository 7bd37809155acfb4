import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyPumble } from '@switchboard/protocol';
import type { Clock } from '../../src/clock.js';
import { DeliveryDispatcher, type DispatcherOptions } from '../../src/delivery/dispatcher.js';
import { HttpTransport } from '../../src/delivery/http-transport.js';
import { OutboxStore } from '../../src/delivery/outbox-store.js';
import type { DeliveryTarget, DeliveryTargets } from '../../src/delivery/targets.js';
import { OutboundPolicy } from '../../src/outbound/index.js';
import { dropPostgresSchema, openStore, type Store } from '../../src/store/db.js';

export const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const SECRET = 'delivery-test-secret';

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(public t = 1_763_900_000_000) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestStore {
  store: Store;
  close(): Promise<void>;
}

/** A migrated store: a temp SQLite directory or a fresh PostgreSQL schema, removed on close. */
export async function openTestStore(dialect: 'sqlite' | 'postgres', pgSchema?: string): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-delivery-'));
    const store = await openStore({ dataDir });
    return {
      store,
      close: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = pgSchema ?? `t_delivery_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const store = await openStore({ databaseUrl: POSTGRES_URL, dataDir: tmpdir(), pgSchema: schema, pgPoolSize: 8 });
  return {
    store,
    close: async () => {
      await store.close();
      await dropPostgresSchema(POSTGRES_URL, schema);
    },
  };
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** verifyPumble against SECRET at the receiver's clock. */
  verified: boolean;
  status: number;
  /** The client port: which connection the request came on. */
  remotePort: number | undefined;
}

export type Reply = { status: number; headers?: Record<string, string> };

/** A real loopback HTTP receiver that verifies Pumble signatures and answers per `reply`. */
export class Receiver {
  readonly received: Received[] = [];
  reply: (request: Omit<Received, 'status'>) => Reply = () => ({ status: 200 });
  /** Answers this long after a request has been read (to see how many a sender keeps in flight). */
  replyDelayMs = 0;
  private server: Server | undefined;
  url = '';

  constructor(private readonly clock: Clock = { now: () => Date.now() }) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = req.headers;
        const verified = verifyPumble({
          secrets: [SECRET],
          timestamp: headers['x-pumble-request-timestamp'] as string | undefined,
          signature: headers['x-pumble-request-signature'] as string | undefined,
          rawBody: body,
          now: this.clock.now(),
        }).ok;
        const request = { path: req.url ?? '', headers, body, at: this.clock.now(), verified, remotePort: req.socket.remotePort };
        const reply = this.reply(request);
        this.received.push({ ...request, status: reply.status });
        const answer = () => {
          res.writeHead(reply.status, reply.headers ?? {});
          res.end('ok');
        };
        if (this.replyDelayMs > 0) setTimeout(answer, this.replyDelayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Bodies received, parsed, in arrival order. */
  events(): { n: number; ch: string }[] {
    return this.received.map((r) => JSON.parse(r.body));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** App id -> target, as the app registry would resolve it. */
export class MapTargets implements DeliveryTargets {
  readonly targets = new Map<string, DeliveryTarget>();
  set(appId: string, url: string, extra: Partial<DeliveryTarget> = {}): void {
    this.targets.set(appId, { url, signingSecrets: { current: SECRET }, transport: 'http', ...extra });
  }
  resolve({ appId }: { appId: string }): DeliveryTarget | undefined {
    return this.targets.get(appId);
  }
}

/** A dispatcher over `store` with an HTTP transport; the caller stops both. */
export function makeDispatcher(store: Store, targets: DeliveryTargets, clock: Clock, extra: Partial<DispatcherOptions> = {}) {
  // Generous: a loaded CI machine must not turn a slow answer into a retry the test did not plan.
  const transport = new HttpTransport({ clock, timeoutMs: 10_000, laneWindow: extra.laneWindow, outbound: OutboundPolicy.unrestricted });
  const dispatcher = new DeliveryDispatcher({
    store: new OutboxStore(store.db, store.dialect),
    targets,
    transports: { http: transport },
    clock,
    onError: (error) => console.error('[dispatcher]', error),
    ...extra,
  });
  return {
    dispatcher,
    transport,
    stop: async () => {
      await dispatcher.stop();
      await transport.close();
    },
  };
}

/** A small event body: `n` is its position in its channel, `ch` the channel. */
export const eventBody = (ch: string, n: number) => JSON.stringify({ messageType: 'PUMBLE_EVENT', eventType: 'NEW_MESSAGE', ch, n });
