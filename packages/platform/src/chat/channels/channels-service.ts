import { type ChannelInfo, type PostingPermissions, SwitchboardError, type UsersAddedToChannel } from '@switchboard/protocol';
import type { Clock } from '../../clock.js';
import { newId } from '../../store/ids.js';
import type { ChannelsTable, ChannelType, WorkspaceRole } from '../../store/schema.js';
import type { ChangeBus } from '../changes.js';
import type { UsersStore } from '../users/users-store.js';
import { toChannel } from '../views.js';
import { MembershipCache } from './access-cache.js';
import type { ChannelsStore } from './channels-store.js';
import { assertMayPost, PostingCache, type PostKind } from './posting-rules.js';

/** The caller as the chat core sees it: a person, or an app acting as a person or as its bot. */
export interface ChatCaller {
  workspaceId: string;
  userId: string;
  role: WorkspaceRole;
  /** Set when an app calls (its token's app). */
  appId?: string;
}

/** What the caller is about to do in a channel (`post` checks the channel's posting permissions). */
export type ChannelAction = PostKind | 'ephemeral' | 'edit' | 'react';

export interface NewChannel {
  name: string;
  type: 'PUBLIC' | 'PRIVATE';
  description?: string;
  userIds?: string[];
}

const isAdmin = (role: WorkspaceRole) => role === 'owner' || role === 'admin';

/** Normalises a channel name the way chat products do: lowercase, dashes, no leading `#`. */
export function normaliseChannelName(name: string): string {
  return name.trim().replace(/^#/, '').toLowerCase().replace(/\s+/g, '-');
}

/** Channels: who may see, join, post, manage. Private channels and DMs are invisible to outsiders. */
export class ChannelsService {
  private readonly memberships = new MembershipCache();
  private readonly posting = new PostingCache();

  constructor(
    private readonly store: ChannelsStore,
    private readonly users: UsersStore,
    private readonly bus: ChangeBus,
    private readonly clock: Clock,
  ) {
    // Membership and archive changes committed through the bus drop the cache right after commit.
    bus.addSink(this.memberships);
    bus.addSink(this.posting);
  }

  /** The channel if the caller may read it; 404 otherwise so private channels don't leak. */
  async readable(caller: ChatCaller, channelId: string): Promise<{ channel: ChannelsTable; isMember: boolean }> {
    const now = this.clock.now();
    const cached = this.memberships.get(channelId, caller.userId, now);
    if (cached && cached.workspace_id === caller.workspaceId) return { channel: cached, isMember: true };
    const ticket = this.memberships.ticket();
    const found = await this.store.findForUser(channelId, caller.userId);
    if (!found || found.channel.workspace_id !== caller.workspaceId) throw new SwitchboardError('not_found', 'No such channel.');
    const { channel, isMember } = found;
    if (!isMember && channel.type !== 'PUBLIC') throw new SwitchboardError('not_found', 'No such channel.');
    if (isMember) this.memberships.set(ticket, channelId, caller.userId, channel, now);
    return { channel, isMember };
  }

  /**
   * The channel if the caller may act in it. People act where they are members. A bot acts in
   * any public, private or direct channel of its workspace without being (or becoming) a member,
   * as Pumble lets a bot with `messages:write` (the route checked the scope); a channel whose
   * posting is restricted refuses it all the same unless it was listed.
   */
  async postable(caller: ChatCaller, channelId: string, action: ChannelAction = 'message'): Promise<ChannelsTable> {
    const channel = caller.role === 'bot' ? await this.inWorkspace(caller, channelId) : await this.memberChannel(caller, channelId);
    if (channel.is_archived === 1) throw new SwitchboardError('channel_archived', 'The channel is archived.');
    if (action === 'message' || action === 'reply') assertMayPost(await this.postingOf(channelId), caller, action);
    return channel;
  }

  private async memberChannel(caller: ChatCaller, channelId: string): Promise<ChannelsTable> {
    const { channel, isMember } = await this.readable(caller, channelId);
    if (!isMember) throw new SwitchboardError('not_in_channel', 'Join the channel before posting in it.');
    return channel;
  }

  private async inWorkspace(caller: ChatCaller, channelId: string): Promise<ChannelsTable> {
    const cached = this.memberships.get(channelId, caller.userId, this.clock.now());
    if (cached && cached.workspace_id === caller.workspaceId) return cached;
    const channel = await this.store.find(channelId);
    if (!channel || channel.workspace_id !== caller.workspaceId) throw new SwitchboardError('not_found', 'No such channel.');
    return channel;
  }

  private async postingOf(channelId: string) {
    const now = this.clock.now();
    const hit = this.posting.get(channelId, now);
    if (hit) return hit.posting ?? undefined;
    const ticket = this.posting.ticket();
    const row = await this.store.postingOf(channelId);
    this.posting.set(ticket, channelId, row, now);
    return row;
  }

  /** The channel's members, for a caller already allowed to act there. */
  members(channelId: string): Promise<string[]> {
    return this.store.members(channelId);
  }

  /** Owners and admins set who may post in a public or private channel. */
  async setPostingPermissions(caller: ChatCaller, channelId: string, permissions: Partial<PostingPermissions>): Promise<ChannelInfo> {
    const { channel } = await this.readable(caller, channelId);
    if (!isAdmin(caller.role)) throw new SwitchboardError('forbidden', 'Only owners and admins change who may post.');
    if (channel.type === 'DIRECT' || channel.type === 'SELF') throw new SwitchboardError('forbidden', 'Direct channels have no posting permissions.');
    const current = await this.store.postingOf(channelId);
    const next = {
      posting_group: permissions.postingPermissionsGroup ?? current?.posting_group ?? 'EVERYONE',
      user_ids: JSON.stringify(
        permissions.workspaceUserIds
          ? [...(await this.users.activeUserIds(caller.workspaceId, permissions.workspaceUserIds))]
          : JSON.parse(current?.user_ids ?? '[]'),
      ),
      allow_threads: (permissions.allowThreads ?? (current ? current.allow_threads === 1 : true)) ? 1 : 0,
      allow_mentions: (permissions.allowMentions ?? (current ? current.allow_mentions === 1 : true)) ? 1 : 0,
    } as const;
    await this.bus.commit(async (trx, record) => {
      await this.store.setPosting(trx, { channel_id: channelId, ...next, updated_at: this.clock.now() });
      record({
        type: 'channel.updated',
        workspaceId: caller.workspaceId,
        audience: channel.type === 'PUBLIC' ? { workspaceId: caller.workspaceId } : { channelId },
        data: { channel: toChannel(channel, undefined, { channel_id: channelId, ...next, updated_at: 0 }), updatedBy: caller.userId },
      });
    });
    return this.info(caller, channelId);
  }

  async list(caller: ChatCaller, types: readonly ChannelType[]): Promise<ChannelInfo[]> {
    const rows = await this.store.listVisible(caller.workspaceId, caller.userId, types);
    const posting = await this.store.postingOfMany(rows.map((row) => row.id));
    return rows.map(({ member, ...row }) => ({ channel: toChannel(row, member !== null, posting.get(row.id)) }));
  }

  async info(caller: ChatCaller, channelId: string): Promise<ChannelInfo> {
    const { channel, isMember } = await this.readable(caller, channelId);
    return { channel: toChannel(channel, isMember, await this.store.postingOf(channelId)), users: await this.store.members(channelId) };
  }

  async create(caller: ChatCaller, input: NewChannel): Promise<ChannelInfo> {
    const name = normaliseChannelName(input.name);
    if (!/^[\p{L}\p{N}_-]{1,80}$/u.test(name)) {
      throw new SwitchboardError('validation_failed', 'Channel names use letters, digits, - and _ (1 to 80).');
    }
    if (await this.store.findByName(caller.workspaceId, name)) throw new SwitchboardError('already_exists', `A channel named #${name} exists.`);
    const invited = await this.users.activeUserIds(caller.workspaceId, input.userIds ?? []);
    const members = [caller.userId, ...[...invited].filter((id) => id !== caller.userId)];
    const now = this.clock.now();
    const row: ChannelsTable = {
      id: newId(now),
      workspace_id: caller.workspaceId,
      type: input.type,
      name,
      description: input.description ?? null,
      is_archived: 0,
      direct_key: null,
      created_by: caller.userId,
      created_at: now,
    };
    await this.bus.commit(async (trx, record) => {
      await this.store.insert(trx, row, members);
      record({
        type: 'channel.created',
        workspaceId: caller.workspaceId,
        audience: input.type === 'PUBLIC' ? { workspaceId: caller.workspaceId } : { channelId: row.id },
        data: { channel: toChannel(row), users: members, createdBy: caller.userId },
      });
    });
    return { channel: toChannel(row, true), users: members };
  }

  /** The direct channel of the caller and `participantIds` (1:1, group, or SELF), created on first use. */
  async direct(caller: ChatCaller, participantIds: readonly string[], create: boolean): Promise<ChannelInfo> {
    const people = [...new Set([caller.userId, ...participantIds])].sort();
    if (people.length > 9) throw new SwitchboardError('validation_failed', 'A direct channel holds at most 9 people.');
    const active = await this.users.activeUserIds(caller.workspaceId, people);
    if (active.size !== people.length) throw new SwitchboardError('not_found', 'Some participants are not in this workspace.');
    const key = people.join(',');
    const existing = await this.store.findDirect(caller.workspaceId, key);
    if (existing) return { channel: toChannel(existing, true), users: people };
    if (!create) throw new SwitchboardError('not_found', 'No direct channel with those people yet.');
    const now = this.clock.now();
    const row: ChannelsTable = {
      id: newId(now),
      workspace_id: caller.workspaceId,
      type: people.length === 1 ? 'SELF' : 'DIRECT',
      name: null,
      description: null,
      is_archived: 0,
      direct_key: key,
      created_by: caller.userId,
      created_at: now,
    };
    try {
      await this.bus.commit(async (trx, record) => {
        await this.store.insert(trx, row, people);
        record({
          type: 'channel.created',
          workspaceId: caller.workspaceId,
          audience: { channelId: row.id },
          data: { channel: toChannel(row), users: people, createdBy: caller.userId },
        });
      });
    } catch (error) {
      // Two first messages at once: the unique (workspace, direct_key) lets one win; use it.
      const winner = await this.store.findDirect(caller.workspaceId, key);
      if (!winner) throw error;
      return { channel: toChannel(winner, true), users: people };
    }
    return { channel: toChannel(row, true), users: people };
  }

  async join(caller: ChatCaller, channelId: string): Promise<ChannelInfo> {
    const { channel, isMember } = await this.readable(caller, channelId);
    if (channel.is_archived === 1) throw new SwitchboardError('channel_archived', 'The channel is archived.');
    if (!isMember) await this.addMembersUnchecked(caller, channel, [caller.userId]);
    return this.info(caller, channelId);
  }

  /** Members add people to PUBLIC/PRIVATE channels; DMs never change membership. */
  /** Answers who was actually added (Pumble's UsersAddedToChannel): people already in are left out. */
  async addMembers(caller: ChatCaller, channelId: string, userIds: readonly string[]): Promise<UsersAddedToChannel> {
    const channel = await this.memberChannel(caller, channelId);
    if (channel.is_archived === 1) throw new SwitchboardError('channel_archived', 'The channel is archived.');
    if (channel.type === 'DIRECT' || channel.type === 'SELF') throw new SwitchboardError('forbidden', 'Direct channels keep their participants.');
    const active = await this.users.activeUserIds(caller.workspaceId, userIds);
    if (active.size !== new Set(userIds).size) throw new SwitchboardError('not_found', 'Some of those people are not in this workspace.');
    const added = await this.addMembersUnchecked(caller, channel, [...active]);
    return { channelId, addedUserIds: added };
  }

  /** Leave (removing yourself) or remove someone (channel creator or a workspace admin). */
  async removeMember(caller: ChatCaller, channelId: string, userId: string): Promise<void> {
    const { channel, isMember } = await this.readable(caller, channelId);
    if (channel.type === 'DIRECT' || channel.type === 'SELF') throw new SwitchboardError('forbidden', 'Direct channels keep their participants.');
    const self = userId === caller.userId;
    if (!self && !(isMember && (channel.created_by === caller.userId || isAdmin(caller.role)))) {
      throw new SwitchboardError('forbidden', 'Only the channel creator or an admin removes other people.');
    }
    await this.bus.commit(async (trx, record) => {
      const removed = await this.store.removeMember(trx, channelId, userId);
      if (!removed) throw new SwitchboardError('not_found', 'That person is not in the channel.');
      const change = { channelId, userId, removedBy: caller.userId };
      record({ type: 'channel.member_left', workspaceId: caller.workspaceId, audience: { channelId }, data: change });
      record({ type: 'channel.member_left', workspaceId: caller.workspaceId, audience: { userIds: [userId] }, data: change });
    });
  }

  async archive(caller: ChatCaller, channelId: string): Promise<ChannelInfo> {
    const { channel, isMember } = await this.readable(caller, channelId);
    if (channel.type === 'DIRECT' || channel.type === 'SELF') throw new SwitchboardError('forbidden', 'Direct channels cannot be archived.');
    if (!isAdmin(caller.role) && !(isMember && channel.created_by === caller.userId)) {
      throw new SwitchboardError('forbidden', 'Only the channel creator or an admin archives a channel.');
    }
    if (channel.name === 'general' && channel.type === 'PUBLIC') throw new SwitchboardError('forbidden', '#general cannot be archived.');
    if (channel.is_archived === 0) {
      await this.bus.commit(async (trx, record) => {
        await this.store.archive(trx, channelId);
        record({ type: 'channel.archived', workspaceId: caller.workspaceId, audience: { channelId }, data: { channelId, archivedBy: caller.userId } });
      });
    }
    return this.info(caller, channelId);
  }

  private async addMembersUnchecked(caller: ChatCaller, channel: ChannelsTable, userIds: readonly string[]): Promise<string[]> {
    return this.bus.commit(async (trx, record) => {
      const added = await this.store.addMembers(trx, channel.id, userIds, this.clock.now());
      for (const userId of added) {
        record({
          type: 'channel.member_joined',
          workspaceId: caller.workspaceId,
          audience: { channelId: channel.id },
          data: { channelId: channel.id, userId, addedBy: caller.userId, channel: toChannel(channel) },
        });
      }
      return added;
    });
  }
}
