import { ChannelInfo, type ChannelType, UsersAddedToChannel } from '@switchboard/protocol';
import { z } from 'zod';
import { type HttpTransport, pathOf } from './http.js';

export interface NewChannel {
  name: string;
  type?: 'PUBLIC' | 'PRIVATE';
  description?: string;
}

const ChannelInfoList = z.array(ChannelInfo);

/**
 * Channels, membership and direct channels (PROTOCOL.md section 5).
 * @example const general = (await client.channels.list(['PUBLIC'])).find((c) => c.channel.name === 'general');
 */
export class ChannelsApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Channels the caller can see, optionally only some types.
   * @example const publicOnes = await client.channels.list(['PUBLIC']);
   */
  list(types?: readonly ChannelType[]): Promise<ChannelInfo[]> {
    return this.http.json({ method: 'GET', path: '/v1/channels', query: { types } }, ChannelInfoList);
  }

  /**
   * A channel and its members.
   * @example const { channel, users } = await client.channels.info(channelId);
   */
  info(channelId: string): Promise<ChannelInfo> {
    return this.http.json({ method: 'GET', path: pathOf`/v1/channels/${channelId}` }, ChannelInfo);
  }

  /**
   * Creates a public (default) or private channel.
   * @example const { channel } = await client.channels.create({ name: 'deploys', type: 'PRIVATE' });
   */
  create(channel: NewChannel): Promise<ChannelInfo> {
    return this.http.json({ method: 'POST', path: '/v1/channels', json: channel }, ChannelInfo);
  }

  /**
   * Adds people to a channel; answers who was actually added (people already in are left out).
   * @example const { addedUserIds } = await client.channels.addUsers(channelId, [aliceId, bobId]);
   */
  addUsers(channelId: string, userIds: readonly string[]): Promise<UsersAddedToChannel> {
    return this.http.json({ method: 'POST', path: pathOf`/v1/channels/${channelId}/users`, json: { userIds } }, UsersAddedToChannel);
  }

  /**
   * The caller's direct and group conversations.
   * @example const dms = await client.channels.listDirect();
   */
  listDirect(): Promise<ChannelInfo[]> {
    return this.http.json({ method: 'GET', path: '/v1/channels/direct/list' }, ChannelInfoList);
  }

  /**
   * Removes someone from a channel.
   * @example await client.channels.removeUser(channelId, bobId);
   */
  removeUser(channelId: string, userId: string): Promise<void> {
    return this.http.send({ method: 'DELETE', path: pathOf`/v1/channels/${channelId}/users/${userId}` });
  }

  /**
   * The direct channel with these people (opened on first use).
   * @example const dm = await client.channels.getDirect([aliceId]);
   */
  getDirect(participantIds: readonly string[]): Promise<ChannelInfo> {
    return this.http.json({ method: 'GET', path: '/v1/channels/direct', query: { participantIds } }, ChannelInfo);
  }

  /**
   * The direct channel with these people, created when missing.
   * @example const { channel } = await client.channels.createDirect([aliceId]);
   */
  createDirect(participantIds: readonly string[]): Promise<ChannelInfo> {
    // Query, not body: the documented Pumble form, which the platform accepts too.
    return this.http.json({ method: 'POST', path: '/v1/channels/direct', query: { participantIds } }, ChannelInfo);
  }
}
