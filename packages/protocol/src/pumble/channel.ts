import { z } from 'zod';

/** Channel shapes the Pumble SDK reads (`types.ts`: Channel, ChannelInfo, UsersAddedToChannel). */

export const PumblePostingPermissions = z.object({
  allowThreads: z.boolean().optional(),
  allowMentions: z.boolean().optional(),
  postingPermissionsGroup: z.string().optional(),
  workspaceUserIds: z.array(z.string()).optional(),
});

export const PumbleChannel = z.object({
  id: z.string(),
  workspaceId: z.string(),
  channelType: z.enum(['SELF', 'DIRECT', 'PUBLIC', 'PRIVATE']),
  name: z.string().optional(),
  description: z.string().optional(),
  isMember: z.boolean().optional(),
  isMuted: z.boolean().optional(),
  isHidden: z.boolean().optional(),
  isArchived: z.boolean().optional(),
  isAddonBot: z.boolean().optional(),
  postingPermissions: PumblePostingPermissions,
  desktopNotificationPreferences: z.string(),
  mobileNotificationPreferences: z.string(),
});

export const PumbleChannelInfo = z.object({ channel: PumbleChannel, users: z.array(z.string()).optional() });
export const PumbleChannelList = z.array(PumbleChannelInfo);

export const PumbleUsersAddedToChannel = z.object({ channelId: z.string(), addedUserIds: z.array(z.string()).optional() });

/** What `POST /v1/channels/{id}/users` answers: the people actually added. */
export const UsersAddedToChannel = z.object({ channelId: z.string(), addedUserIds: z.array(z.string()) });
export type UsersAddedToChannel = z.infer<typeof UsersAddedToChannel>;
