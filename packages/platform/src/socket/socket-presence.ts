import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../store/schema.js';

export interface SocketPresenceOptions {
  /** A node's row counts this long after its last refresh (a crashed node stops counting). Default 30 s. */
  ttlMs?: number;
  /** How often a node refreshes its rows. Default 10 s. */
  refreshMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Which node holds connections of which socket-mode app (table `socket_presence`), so a node
 * without the app's connection knows at once whether another node can take a trigger, or
 * whether the person should get the offline message now. Writes are serialised per node, so a
 * quick connect/disconnect never leaves a stale row behind.
 */
export class SocketPresence {
  private readonly ttlMs: number;
  private readonly timer: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    readonly nodeId: string,
    private readonly connectedApps: () => string[],
    private readonly options: SocketPresenceOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.timer = setInterval(() => this.refresh(), options.refreshMs ?? 10_000);
    this.timer.unref();
  }

  /** The app gained its first connection on this node. */
  connected(appId: string): void {
    this.write(() => this.upsert([appId]));
  }

  /** The app's last connection on this node closed. */
  disconnected(appId: string): void {
    this.write(async () => {
      await this.db.deleteFrom('socket_presence').where('node_id', '=', this.nodeId).where('app_id', '=', appId).execute();
    });
  }

  /** Whether a node other than this one holds a live connection of the app. */
  async elsewhere(appId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('socket_presence')
      .select('node_id')
      .where('app_id', '=', appId)
      .where('node_id', '<>', this.nodeId)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Stops refreshing and removes this node's rows (shutdown). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.write(async () => {
      await this.db.deleteFrom('socket_presence').where('node_id', '=', this.nodeId).execute();
    });
    await this.chain;
  }

  private refresh(): void {
    const apps = this.connectedApps();
    if (apps.length > 0) this.write(() => this.upsert(apps));
  }

  private async upsert(appIds: string[]): Promise<void> {
    const expires_at = this.clock.now() + this.ttlMs;
    await this.db
      .insertInto('socket_presence')
      .values(appIds.map((app_id) => ({ node_id: this.nodeId, app_id, expires_at })))
      .onConflict((oc) => oc.columns(['node_id', 'app_id']).doUpdateSet({ expires_at }))
      .execute();
  }

  private write(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((error) => this.options.onError?.(error));
  }
}
