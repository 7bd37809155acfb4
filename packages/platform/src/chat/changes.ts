import type { RealtimeEventType } from '@switchboard/protocol';
import type { Kysely, Transaction } from 'kysely';
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

  /** Publishes changes that need no storage (ephemeral messages). */
  publish(changes: readonly ChatChange[]): void {
    if (changes.length === 0) return;
    for (const sink of this.sinks) sink.afterCommit?.(changes);
  }
}
