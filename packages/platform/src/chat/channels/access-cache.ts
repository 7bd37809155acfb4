import type { ChannelsTable } from '../../store/schema.js';
import type { ChangeSink, ChatChange } from '../changes.js';

/**
 * How long a node trusts a confirmed membership. Changes made on this node apply at once (see
 * below); a member removed, or a channel archived, through ANOTHER node sharing the database
 * may still read and post here for up to this long. Same bound as the session cache.
 */
export const MEMBERSHIP_CACHE_MS = 2_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  channel: ChannelsTable;
  checkedAt: number;
}

/**
 * Recently confirmed "this person is a member of this channel" answers, with the channel row,
 * so the hot paths (post, history) skip the lookup. Only positive answers are kept: anything
 * that adds access (a join, a new person in #general) is seen at once, whoever wrote it.
 *
 * Anything that may take access away on this node goes through the ChangeBus as a `channel.*`
 * change (member_left, archived, updated), and this sink drops the whole cache after that commit.
 * A lookup that started before the drop could still bring back a stale answer, so every lookup
 * takes a ticket (the current epoch) and its answer is only stored if no drop happened since.
 */
export class MembershipCache implements ChangeSink {
  private readonly entries = new Map<string, Entry>();
  private epoch = 0;

  get(channelId: string, userId: string, now: number): ChannelsTable | undefined {
    const key = `${channelId}\n${userId}`;
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    if (now - hit.checkedAt < MEMBERSHIP_CACHE_MS && now >= hit.checkedAt) return hit.channel;
    this.entries.delete(key);
    return undefined;
  }

  /** Taken before reading the database; hand it back to `set`. */
  ticket(): number {
    return this.epoch;
  }

  set(ticket: number, channelId: string, userId: string, channel: ChannelsTable, now: number): void {
    if (ticket !== this.epoch) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(`${channelId}\n${userId}`, { channel: Object.freeze(channel), checkedAt: now });
  }

  /** Forgets everything and refuses answers of lookups already under way. */
  invalidate(): void {
    this.epoch += 1;
    this.entries.clear();
  }

  afterCommit(changes: readonly ChatChange[]): void {
    for (const change of changes) {
      if (change.type.startsWith('channel.') && change.type !== 'channel.created') {
        this.invalidate();
        return;
      }
    }
  }
}
