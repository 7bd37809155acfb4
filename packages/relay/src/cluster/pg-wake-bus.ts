import { PgChannelListener, pgChannelName } from '@switchboard/protocol';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { RelayDatabase } from '../store/schema.js';
import type { TriggerNotice, WakeBus } from './wake-bus.js';

/** PostgreSQL refuses NOTIFY payloads of 8 000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

export interface PgWakeBusOptions {
  db: Kysely<RelayDatabase>;
  connectionString: string;
  /** Nodes of one schema form one relay cluster; other schemas never hear them. */
  schema: string;
  nodeId: string;
  onError: (error: unknown) => void;
}

/**
 * The wake bus on PostgreSQL, as the platform's cluster bus does it: a dedicated client LISTENs
 * on a channel named after the schema; app ids announced within one tick go out as one NOTIFY.
 * A dropped listener reconnects with backoff and jitter, then wakes every app (messages sent
 * while it was away are lost).
 */
export class PgWakeBus implements WakeBus {
  private readonly channel: string;
  private readonly handlers: ((appId: string) => void)[] = [];
  private readonly noticeHandlers: ((notice: TriggerNotice) => void)[] = [];
  private readonly pending = new Set<string>();
  private flushScheduled = false;
  private readonly listener: PgChannelListener;
  private stopped = false;

  constructor(private readonly options: PgWakeBusOptions) {
    this.channel = channelFor(options.schema);
    this.listener = new PgChannelListener({
      channel: this.channel,
      createClient: () => new pg.Client({ connectionString: options.connectionString, keepAlive: true, application_name: 'switchboard-relay' }),
      onPayload: (payload) => this.receive(payload),
      // After a reconnect: anything announced meanwhile is lost, so every app looks again.
      onConnected: (reconnect) => {
        if (reconnect) this.wake('*');
      },
      onError: options.onError,
    });
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listener.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.listener.stop();
  }

  onWake(handler: (appId: string) => void): void {
    this.handlers.push(handler);
  }

  onNotice(handler: (notice: TriggerNotice) => void): void {
    this.noticeHandlers.push(handler);
  }

  /** Not coalesced: a trigger has under 3 s in all. Ids and app ids are short, far below the payload limit. */
  announce(notice: TriggerNotice): void {
    if (this.stopped) return;
    const payload = JSON.stringify({ n: this.options.nodeId, x: notice });
    sql`select pg_notify(${this.channel}, ${payload})`.execute(this.options.db).catch((error: unknown) => this.options.onError(error));
  }

  notify(appId: string): void {
    if (this.stopped) return;
    this.pending.add(appId);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const ids = [...this.pending];
    this.pending.clear();
    let batch: string[] = [];
    let size = 0;
    const send = async () => {
      if (batch.length === 0) return;
      const payload = JSON.stringify({ n: this.options.nodeId, a: batch });
      batch = [];
      size = 0;
      try {
        await sql`select pg_notify(${this.channel}, ${payload})`.execute(this.options.db);
      } catch (error) {
        this.options.onError(error);
      }
    };
    for (const id of ids) {
      if (size + id.length + 4 > MAX_PAYLOAD_BYTES - 100) await send();
      batch.push(id);
      size += id.length + 4;
    }
    await send();
  }

  private receive(payload: string | undefined): void {
    let message: { n?: unknown; a?: unknown; x?: unknown };
    try {
      message = JSON.parse(payload ?? '') as { n?: unknown; a?: unknown; x?: unknown };
    } catch {
      return;
    }
    if (message.n === this.options.nodeId) return;
    if (isNotice(message.x)) {
      for (const handler of this.noticeHandlers) handler(message.x);
      return;
    }
    if (!Array.isArray(message.a)) return;
    for (const appId of message.a) if (typeof appId === 'string') this.wake(appId);
  }

  private wake(appId: string): void {
    for (const handler of this.handlers) {
      try {
        handler(appId);
      } catch (error) {
        this.options.onError(error);
      }
    }
  }
}

function isNotice(value: unknown): value is TriggerNotice {
  const notice = value as Partial<Record<string, unknown>> | null;
  if (typeof notice !== 'object' || notice === null || typeof notice.id !== 'string') return false;
  return (notice.kind === 'trigger' && typeof notice.appId === 'string') || (notice.kind === 'reply' && typeof notice.to === 'string');
}

/** `relay_<schema>`, hashed when that would exceed PostgreSQL's 63-byte identifiers. */
export function channelFor(schema: string): string {
  return pgChannelName('relay', schema);
}
