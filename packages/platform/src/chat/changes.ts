import type { RealtimeEventType } from '@switchboard/protocol';
import { type Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, SqliteAdapter, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { GroupCommit } from './group-commit.js';

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

/**
 * Runs a unit of work in one transaction and hands its changes to every sink. On SQLite the
 * transactions of units queued together are grouped into one commit (see GroupCommit).
 */
export class ChangeBus {
  private readonly sinks: ChangeSink[] = [];
  private readonly group: GroupCommit | undefined;

  constructor(private readonly db: Kysely<Database>) {
    this.group = db.getExecutor().adapter instanceof SqliteAdapter ? new GroupCommit(db) : undefined;
  }

  addSink(sink: ChangeSink): void {
    this.sinks.push(sink);
  }

  async commit<T>(work: (trx: Transaction<Database>, record: Record) => Promise<T>): Promise<T> {
    const changes: ChatChange[] = [];
    const unit = async (trx: Transaction<Database>) => {
      const value = await work(trx, (change) => changes.push(change));
      if (changes.length > 0) {
        for (const sink of this.sinks) if (sink.inTransaction) await sink.inTransaction(trx, changes);
      }
      return value;
    };
    const result = this.group ? await this.group.run(unit) : await this.db.transaction().execute(unit);
    this.publish(changes);
    return result;
  }

  /**
   * `commit` for work that issues exactly ONE SQL statement, which is atomic by itself: on
   * PostgreSQL, while no sink has to write inside the transaction, the statement runs without
   * BEGIN/COMMIT around it (two round trips fewer per chat post). As soon as an in-transaction
   * sink is registered (the event outbox) this is a plain `commit` again, so the change and the
   * sink's writes still commit together; on SQLite it always is, as a grouped commit is cheaper
   * than a statement committing alone. A second statement is refused before it runs, so a
   * `work` that grows one fails its tests instead of silently losing atomicity.
   */
  async commitStatement<T>(work: (db: Kysely<Database> | Transaction<Database>, record: Record) => Promise<T>): Promise<T> {
    if (this.group || this.sinks.some((sink) => sink.inTransaction !== undefined)) return this.commit(guarded(work));
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

/** The work, refused a second statement even when it runs inside a transaction (same contract everywhere). */
function guarded<T>(work: (db: Transaction<Database>, record: Record) => Promise<T>) {
  return (trx: Transaction<Database>, record: Record) => work(trx.withPlugin(new OneStatementGuard()), record);
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
