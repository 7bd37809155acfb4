import { SwitchboardError } from '@switchboard/protocol';
import type { ChannelPostingTable, WorkspaceRole } from '../../store/schema.js';
import type { ChangeSink, ChatChange } from '../changes.js';
import { MEMBERSHIP_CACHE_MS } from './access-cache.js';

const MAX_ENTRIES = 50_000;

export type PostKind = 'message' | 'reply';

/**
 * Pumble's posting permissions: in an "admins only" channel only owners and admins post, in
 * "admins plus others" also the listed people (a bot only when listed). With threads allowed,
 * everyone who may read the channel still replies in threads.
 */
export function assertMayPost(posting: ChannelPostingTable | undefined, caller: { userId: string; role: WorkspaceRole }, kind: PostKind): void {
  if (!posting || posting.posting_group === 'EVERYONE') return;
  if (kind === 'reply' && posting.allow_threads === 1) return;
  if (caller.role === 'owner' || caller.role === 'admin') return;
  const listed = (JSON.parse(posting.user_ids) as string[]).includes(caller.userId);
  if (posting.posting_group === 'ADMINS_AND_SELECTED' && listed) return;
  throw new SwitchboardError('posting_restricted', 'Only admins (and the people they chose) post in this channel.');
}

interface Entry {
  posting: ChannelPostingTable | null;
  checkedAt: number;
}

/**
 * Recently read posting permissions per channel, so a post costs no extra query. Changes made on
 * this node (`channel.updated`) drop it at once; another node's change shows within the same
 * bound as memberships.
 */
export class PostingCache implements ChangeSink {
  private readonly entries = new Map<string, Entry>();
  private epoch = 0;

  get(channelId: string, now: number): Entry | undefined {
    const hit = this.entries.get(channelId);
    if (hit && now - hit.checkedAt < MEMBERSHIP_CACHE_MS && now >= hit.checkedAt) return hit;
    if (hit) this.entries.delete(channelId);
    return undefined;
  }

  ticket(): number {
    return this.epoch;
  }

  set(ticket: number, channelId: string, posting: ChannelPostingTable | undefined, now: number): void {
    if (ticket !== this.epoch) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(channelId, { posting: posting ?? null, checkedAt: now });
  }

  afterCommit(changes: readonly ChatChange[]): void {
    if (changes.some((change) => change.type === 'channel.updated')) {
      this.epoch += 1;
      this.entries.clear();
    }
  }
}
