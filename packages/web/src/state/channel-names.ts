import type { ChannelInfo, WorkspaceUser } from '../api/types.js';

/** How a channel is called in the sidebar and its header: `#name`, or the other people of a direct message. */
export function channelTitle(info: ChannelInfo, users: Map<string, WorkspaceUser>, me: string): string {
  const c = info.channel;
  if (c.channelType === 'PUBLIC' || c.channelType === 'PRIVATE') return c.name ?? 'unnamed';
  if (c.channelType === 'SELF') return `${users.get(me)?.name ?? 'You'} (you)`;
  const others = (info.users ?? []).filter((u) => u !== me).map((u) => users.get(u)?.name ?? 'Someone');
  return others.length > 0 ? others.join(', ') : (c.name ?? 'Direct message');
}

export const isDirect = (info: ChannelInfo) => info.channel.channelType === 'DIRECT' || info.channel.channelType === 'SELF';
