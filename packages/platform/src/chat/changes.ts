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
  /**
   * For sinks with `inTransaction`: whether it would write anything for these changes (say,
   * no app of the workspace subscribes to them). Answering false lets `commitStatement` skip
   * BEGIN/COMMIT on PostgreSQL; a sink without this method is taken to always write.
   */
  writesFor?(changes: readonly ChatChange[]): boolean;
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
   * `commit` for ONE SQL statement, which is atomic by itself, making `changes`: on PostgreSQL,
   * while no sink has to write inside the transaction for these changes (see `writesFor`), the
   * statement runs without BEGIN/COMMIT around it (two round trips fewer per chat post).
   * Otherwise this is a plain `commit`, so the change and the sink's writes commit together; on SQLite it always is, as a grouped commit is cheaper
   * than a statement committing alone. A second statement is refused before it runs, so a
   * `statement` that grows a second fails its tests instead of silently losing atomicity.
   */
  async commitStatement<T>(changes: readonly ChatChange[], statement: (db: Kysely<Database> | Transaction<Database>) => Promise<T>): Promise<T> {
    const needsTransaction = this.sinks.some((sink) => sink.inTransaction !== undefined && (sink.writesFor?.(changes) ?? true));
    if (this.group || needsTransaction) {
      return this.commit(async (trx, record) => {
        const value = await statement(trx.withPlugin(new OneStatementGuard()));
        for (const change of changes) record(change);
        return value;
      });
    }
    const value = await statement(this.db.withPlugin(new OneStatementGuard()));
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
