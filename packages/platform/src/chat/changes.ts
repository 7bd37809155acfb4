import type { RealtimeEventType } from '@switchboard/protocol';
import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

/** Who may see a change: a channel's members, named people, or the whole workspace. */
export type Audience = { channelId: string } | { userIds: string[] } | { workspaceId: string };

/** One change of the chat domain, produced inside the transaction that makes it. */
export interface ChatChange {
  type: RealtimeEventType;
  workspaceId: string;
  audience: Audience;
  data: unknown;
}

/**
 * Something that reacts to changes: `inTransaction` runs inside the same DB transaction
 * (the event outbox of the Delivery part goes here, so a change and its events commit
 * together); `afterCommit` runs once it is durable (the realtime push).
 */
export interface ChangeSink {
  inTransaction?(trx: Transaction<Database>, changes: readonly ChatChange[]): Promise<void>;
  afterCommit?(changes: readonly ChatChange[]): void;
}

export type Record = (change: ChatChange) => void;

/** Runs a unit of work in one transaction and hands its changes to every sink. */
export class ChangeBus {
  private readonly sinks: ChangeSink[] = [];

  constructor(private readonly db: Kysely<Database>) {}

  addSink(sink: ChangeSink): void {
    this.sinks.push(sink);
  }

  async commit<T>(work: (trx: Transaction<Database>, record: Record) => Promise<T>): Promise<T> {
    const changes: ChatChange[] = [];
    const result = await this.db.transaction().execute(async (trx) => {
      const value = await work(trx, (change) => changes.push(change));
      if (changes.length > 0) {
        for (const sink of this.sinks) if (sink.inTransaction) await sink.inTransaction(trx, changes);
      }
      return value;
    });
    this.publish(changes);
    return result;
  }

  /**
   * `commit` for work that issues exactly ONE SQL statement, which is atomic by itself: while no
   * sink has to write inside the transaction, the statement runs without BEGIN/COMMIT around it
   * (two statements fewer per chat post; two round trips fewer on PostgreSQL). As soon as an
   * in-transaction sink is registered (the event outbox), this is a plain `commit` again, so the
   * change and the sink's writes still commit together. A second statement is refused before it
   * runs, so a `work` that grows one fails its tests instead of losing atomicity.
   */
  async commitStatement<T>(work: (db: Kysely<Database> | Transaction<Database>, record: Record) => Promise<T>): Promise<T> {
    if (this.sinks.some((sink) => sink.inTransaction !== undefined)) return this.commit(work);
    const changes: ChatChange[] = [];
    const value = await work(this.db.withPlugin(new OneStatementGuard()), (change) => changes.push(change));
    this.publish(changes);
    return value;
  }

  /** Publishes changes that need no storage (ephemeral messages). */
  publish(changes: readonly ChatChange[]): void {
    if (changes.length === 0) return;
    for (const sink of this.sinks) sink.afterCommit?.(changes);
  }
}

/** Lets one query through and throws on the next (see `ChangeBus.commitStatement`). */
class OneStatementGuard implements KyselyPlugin {
  private used = false;

  transformQuery(args: PluginTransformQueryArgs) {
    if (this.used) throw new Error('ChangeBus.commitStatement: the work ran a second statement; use commit() for several.');
    this.used = true;
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs) {
    return args.result;
  }
}
