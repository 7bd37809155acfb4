import { describe, expect, it } from 'vitest';
import type { ChannelsTable } from '../../store/schema.js';
import { MEMBERSHIP_CACHE_MS, MembershipCache } from './access-cache.js';

const channel = (id: string): ChannelsTable => ({
  id,
  workspace_id: 'w',
  type: 'PRIVATE',
  name: id,
  description: null,
  is_archived: 0,
  direct_key: null,
  created_by: 'u',
  created_at: 0,
});

describe('MembershipCache', () => {
  it('answers for MEMBERSHIP_CACHE_MS, then asks again', () => {
    const cache = new MembershipCache();
    cache.set(cache.ticket(), 'c', 'u', channel('c'), 1_000);
    expect(cache.get('c', 'u', 1_000 + MEMBERSHIP_CACHE_MS - 1)?.id).toBe('c');
    expect(cache.get('c', 'other', 1_000)).toBeUndefined();
    expect(cache.get('c', 'u', 1_000 + MEMBERSHIP_CACHE_MS)).toBeUndefined();
  });

  it('forgets everything after a committed channel change, but not after a new channel', () => {
    const cache = new MembershipCache();
    cache.set(cache.ticket(), 'c', 'u', channel('c'), 0);
    cache.afterCommit([{ type: 'channel.created', workspaceId: 'w', audience: { channelId: 'd' }, data: {} }]);
    expect(cache.get('c', 'u', 0)).toBeDefined();
    for (const type of ['channel.member_left', 'channel.archived', 'channel.updated'] as const) {
      cache.set(cache.ticket(), 'c', 'u', channel('c'), 0);
      cache.afterCommit([{ type, workspaceId: 'w', audience: { channelId: 'c' }, data: {} }]);
      expect(cache.get('c', 'u', 0)).toBeUndefined();
    }
  });

  it('drops the answer of a lookup that was under way when a change committed', () => {
    const cache = new MembershipCache();
    const ticket = cache.ticket(); // lookup starts, reads "member"…
    cache.afterCommit([{ type: 'channel.member_left', workspaceId: 'w', audience: { channelId: 'c' }, data: {} }]);
    cache.set(ticket, 'c', 'u', channel('c'), 0); // …and finishes after the removal
    expect(cache.get('c', 'u', 0)).toBeUndefined();
  });
});
