import { type Message, SwitchboardError } from '@switchboard/protocol';
import type { Transaction } from 'kysely';
import type { ChangeSink, ChatChange } from '../chat/changes.js';
import type { Clock } from '../clock.js';
import type { Database } from '../store/schema.js';
import type { ScheduledStore } from './scheduled-store.js';
import type { Settlement } from './scheduled-tables.js';

/** A post this node is about to make for a claimed scheduled message. */
export interface ExpectedPost {
  id: string;
  token: string;
  channelId: string;
  authorId: string;
  text: string;
  settlement: Omit<Settlement, 'last_message_id'>;
  /** Set once the post's transaction moved the row on. */
  settled: boolean;
}

const keyOf = (channelId: string, authorId: string) => `${channelId}\u0000${authorId}`;

/**
 * Makes a scheduled post and its bookkeeping one transaction: when the message a claimed row
 * expects is created, the row is moved on (sent, or pending at its next occurrence) in the post's
 * own transaction, and only while the claim is still this node's. If another node took the row
 * over meanwhile, the post is refused and rolls back, so a scheduled message is posted once.
 */
export class ScheduledPostsSink implements ChangeSink {
  private readonly expected = new Map<string, ExpectedPost[]>();

  constructor(
    private readonly store: ScheduledStore,
    private readonly clock: Clock,
  ) {}

  expect(post: ExpectedPost): void {
    const key = keyOf(post.channelId, post.authorId);
    this.expected.set(key, [...(this.expected.get(key) ?? []), post]);
  }

  forget(post: ExpectedPost): void {
    const key = keyOf(post.channelId, post.authorId);
    const rest = (this.expected.get(key) ?? []).filter((p) => p !== post);
    if (rest.length > 0) this.expected.set(key, rest);
    else this.expected.delete(key);
  }

  private match(change: ChatChange): { post: ExpectedPost; message: Message } | undefined {
    if (change.type !== 'message.created' || this.expected.size === 0) return undefined;
    const message = (change.data as { message: Message }).message;
    const post = this.expected.get(keyOf(message.channelId, message.author))?.find((p) => !p.settled && p.text === message.text);
    return post ? { post, message } : undefined;
  }

  writesFor(changes: readonly ChatChange[]): boolean {
    return this.expected.size > 0 && changes.some((change) => this.match(change) !== undefined);
  }

  async inTransaction(trx: Transaction<Database>, changes: readonly ChatChange[]): Promise<void> {
    for (const change of changes) {
      const found = this.match(change);
      if (!found) continue;
      const { post, message } = found;
      const moved = await this.store.settle(trx, post.id, post.token, { ...post.settlement, last_message_id: message.id }, this.clock.now());
      if (!moved) throw new SwitchboardError('conflict', 'This scheduled message was taken over by another node.', { lostClaim: true });
      post.settled = true;
    }
  }
}
