import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ConsumerHub } from '../consumers/consumer-hub.js';
import type { RemoteTriggerRoute, TriggerAnswer, TriggerRelay } from '../consumers/trigger-relay.js';
import type { RelayMetrics } from '../ops/relay-metrics.js';
import type { RelayDatabase } from '../store/schema.js';
import type { TriggerNotice, WakeBus } from './wake-bus.js';

export interface RemoteTriggersOptions {
  nodeId: string;
  /** The whole wait, from the platform's request to the answer (it gives up at 3 s). */
  deadlineMs: number;
  /** How often this node says which apps it has consumers of. */
  heartbeatMs: number;
  now: () => number;
}

/** Rows older than this belong to triggers long answered or abandoned (a node died mid-way). */
const STALE_TRIGGER_MS = 60_000;
/** Time kept back for the answer's way back (table write, NOTIFY, read). */
const RETURN_MARGIN_MS = 300;

/**
 * Triggers across the nodes of a PostgreSQL cluster: the platform may send a trigger to a node
 * with no consumer of that app while another node has one. Each node records which apps it has
 * consumers of (`relay_presence`, refreshed every heartbeat); a node with none but a live entry
 * elsewhere writes the trigger to `relay_triggers` and announces it. A node with a consumer claims
 * it (one wins), relays it to its consumer, writes the reply and announces it back; the first
 * node answers the platform. No live entry: 503 at once, as with no consumer at all.
 */
export class RemoteTriggers implements RemoteTriggerRoute {
  private readonly waiting = new Map<string, (answer: TriggerAnswer | undefined) => void>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<RelayDatabase>,
    private readonly bus: WakeBus,
    private readonly hub: ConsumerHub,
    private readonly local: TriggerRelay,
    private readonly metrics: RelayMetrics,
    private readonly options: RemoteTriggersOptions,
    private readonly log: Logger,
  ) {
    bus.onNotice((notice) => this.receive(notice));
  }

  start(): void {
    this.timer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs);
    this.timer.unref();
    void this.heartbeat();
  }

  /** Stops the heartbeat and withdraws this node's presence. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    await this.db.deleteFrom('relay_presence').where('node_id', '=', this.options.nodeId).execute();
  }

  /** Consumers came or went here: say so now rather than at the next heartbeat. */
  changed(): void {
    void this.heartbeat();
  }

  async forward(appId: string, body: Buffer, headers: Record<string, string>): Promise<TriggerAnswer | undefined> {
    const started = this.options.now();
    const elsewhere = await this.db
      .selectFrom('relay_presence')
      .select('node_id')
      .where('app_id', '=', appId)
      .where('node_id', '<>', this.options.nodeId)
      .where('seen_at', '>=', started - 3 * this.options.heartbeatMs)
      .executeTakeFirst();
    if (!elsewhere) {
      this.metrics.triggers.inc({ outcome: 'no_consumer' });
      return undefined;
    }
    const id = `trg_${randomUUID()}`;
    await this.db
      .insertInto('relay_triggers')
      .values({ id, app_id: appId, origin_node: this.options.nodeId, body, headers: JSON.stringify(headers), created_at: started })
      .execute();
    try {
      const replied = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(
          () => {
            this.waiting.delete(id);
            resolve(false);
          },
          Math.max(0, this.options.deadlineMs - (this.options.now() - started)),
        );
        this.waiting.set(id, () => {
          clearTimeout(timer);
          resolve(true);
        });
        this.bus.announce({ kind: 'trigger', id, appId });
      });
      const row = replied
        ? await this.db.selectFrom('relay_triggers').select(['reply_status', 'reply_body']).where('id', '=', id).executeTakeFirst()
        : undefined;
      const answer = row?.reply_status != null ? { status: row.reply_status, body: JSON.parse(row.reply_body ?? '{}') as unknown } : undefined;
      this.metrics.triggers.inc({ outcome: answer ? 'answered_elsewhere' : 'timeout' });
      return answer;
    } finally {
      await this.db.deleteFrom('relay_triggers').where('id', '=', id).execute();
    }
  }

  private receive(notice: TriggerNotice): void {
    if (notice.kind === 'reply') {
      if (notice.to === this.options.nodeId) this.waiting.get(notice.id)?.(undefined);
      return;
    }
    if (this.hub.pick(notice.appId))
      void this.relay(notice.id, notice.appId).catch((error: unknown) => this.log.error({ err: error }, 'relaying a trigger from another node failed'));
  }

  /** A trigger announced by another node, for an app with a consumer here: claim it, relay it, write the reply back. */
  private async relay(id: string, appId: string): Promise<void> {
    const claimed = await this.db
      .updateTable('relay_triggers')
      .set({ claimed_by: this.options.nodeId })
      .where('id', '=', id)
      .where('claimed_by', 'is', null)
      .returning(['body', 'headers', 'origin_node', 'created_at'])
      .executeTakeFirst();
    if (!claimed) return;
    const left = this.options.deadlineMs - (this.options.now() - Number(claimed.created_at)) - RETURN_MARGIN_MS;
    if (left <= 0) return;
    const body = Buffer.isBuffer(claimed.body) ? claimed.body : Buffer.from(claimed.body);
    const answer = await this.local.forwardHere(appId, body, JSON.parse(claimed.headers) as Record<string, string>, left);
    if (!answer) return;
    await this.db
      .updateTable('relay_triggers')
      .set({ reply_status: answer.status, reply_body: JSON.stringify(answer.body ?? {}) })
      .where('id', '=', id)
      .execute();
    this.bus.announce({ kind: 'reply', id, to: claimed.origin_node });
  }

  private heartbeat(): Promise<void> {
    this.beating ??= this.beat()
      .catch((error: unknown) => this.log.warn({ err: error }, 'relay presence heartbeat failed'))
      .finally(() => {
        this.beating = undefined;
      });
    return this.beating;
  }

  private async beat(): Promise<void> {
    const now = this.options.now();
    const apps = this.hub.appsWithConsumers();
    const node = this.options.nodeId;
    if (apps.length > 0) {
      await this.db
        .insertInto('relay_presence')
        .values(apps.map((appId) => ({ app_id: appId, node_id: node, seen_at: now })))
        .onConflict((oc) => oc.columns(['app_id', 'node_id']).doUpdateSet({ seen_at: now }))
        .execute();
    }
    let gone = this.db.deleteFrom('relay_presence').where('node_id', '=', node);
    if (apps.length > 0) gone = gone.where('app_id', 'not in', apps);
    await gone.execute();
    await this.db
      .deleteFrom('relay_triggers')
      .where('created_at', '<', now - STALE_TRIGGER_MS)
      .execute();
  }
}
