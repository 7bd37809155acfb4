import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { ClusterBus, ClusterMessage } from '../cluster/index.js';
import type { Database } from '../store/schema.js';
import { type HubAnswer, JsonText, type SocketHub } from './socket-hub.js';
import type { SocketPresence } from './socket-presence.js';

/** Time kept back by the node holding the connection for its reply to reach the origin node. */
const REPLY_MARGIN_MS = 100;
/** Requests older than this are gone from every waiting node: swept. */
const SWEEP_AFTER_MS = 60_000;

/**
 * Triggers for a socket-mode app connected to another node (PostgreSQL clusters). The origin
 * node stores the request (`socket_trigger_requests`, keyed by correlation id) and announces it;
 * the first node holding a connection of the app claims it, sends it over its socket, stores
 * the answer and tells the origin, which reads it, deletes the row and answers the person.
 * With no node holding a connection (`socket_presence`) the answer is "unreachable" at once.
 */
export class CrossNodeTriggers {
  private readonly waiting = new Map<string, (answer: HubAnswer) => void>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly bus: ClusterBus,
    private readonly hub: SocketHub,
    private readonly presence: SocketPresence,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    bus.on('trigger', (message) => void this.serve(message).catch(onError));
    bus.on('trigger-reply', (message) => void this.answered(message).catch(onError));
    this.sweeper = setInterval(() => void this.sweep().catch(onError), SWEEP_AFTER_MS);
    this.sweeper.unref();
  }

  /** Sends a trigger to the node holding the app's connection and waits at most `timeoutMs` for its answer. */
  async request(appId: string, payload: unknown, timeoutMs: number): Promise<HubAnswer> {
    const started = performance.now();
    if (!(await this.presence.elsewhere(appId))) return { kind: 'unreachable', reason: 'no connection' };
    const id = randomUUID();
    await this.db
      .insertInto('socket_trigger_requests')
      .values({ id, app_id: appId, origin_node: this.bus.nodeId, payload: JSON.stringify(payload), created_at: this.clock.now() })
      .execute();
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<HubAnswer>((resolve) => {
      this.waiting.set(id, resolve);
      const left = Math.max(0, timeoutMs - (performance.now() - started));
      timer = setTimeout(() => resolve({ kind: 'unreachable', reason: 'no reply in time' }), left);
    });
    try {
      await this.bus.send('trigger', { id, app: appId, ms: Math.round(timeoutMs - (performance.now() - started)) });
      return await answer;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
      await this.db.deleteFrom('socket_trigger_requests').where('id', '=', id).execute().catch(this.onError);
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const resolve of this.waiting.values()) resolve({ kind: 'unreachable', reason: 'node shutting down' });
  }

  /** Another node's trigger: claim it if this node holds a connection of the app, answer over the socket. */
  private async serve(message: ClusterMessage): Promise<void> {
    const { id, app, ms } = message;
    if (typeof id !== 'string' || typeof app !== 'string' || typeof ms !== 'number') return;
    if (this.hub.connectionCount(app) === 0) return;
    const received = performance.now();
    const claimed = await this.db
      .updateTable('socket_trigger_requests')
      .set({ claimed_by: this.bus.nodeId })
      .where('id', '=', id)
      .where('claimed_by', 'is', null)
      .returning('payload')
      .executeTakeFirst();
    if (!claimed) return; // another node holding a connection took it
    const timeoutMs = ms - REPLY_MARGIN_MS - (performance.now() - received);
    const answer: HubAnswer =
      timeoutMs > 0
        ? await this.hub.request(app, new JsonText(claimed.payload), { event: false, timeoutMs, correlationId: id })
        : { kind: 'unreachable', reason: 'no reply in time' };
    await this.db
      .updateTable('socket_trigger_requests')
      .set({ reply: JSON.stringify(answer) })
      .where('id', '=', id)
      .execute();
    await this.bus.send('trigger-reply', { id, to: message.n });
  }

  /** The answer to one of this node's triggers is stored. */
  private async answered(message: ClusterMessage): Promise<void> {
    const { id, to } = message;
    if (to !== this.bus.nodeId || typeof id !== 'string') return;
    const resolve = this.waiting.get(id);
    if (!resolve) return; // timed out meanwhile
    const row = await this.db.selectFrom('socket_trigger_requests').select('reply').where('id', '=', id).executeTakeFirst();
    if (!row?.reply) return;
    resolve(JSON.parse(row.reply) as HubAnswer);
  }

  private async sweep(): Promise<void> {
    await this.db
      .deleteFrom('socket_trigger_requests')
      .where('created_at', '<', this.clock.now() - SWEEP_AFTER_MS)
      .execute();
  }
}
