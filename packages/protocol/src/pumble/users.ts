import { z } from 'zod';

/** People shapes the Pumble SDK reads (`types.ts`: WorkspaceUser, CustomStatus, UserGroup, Workspace). */

export const PumbleAvatar = z.object({ fullPath: z.string(), scaledPath: z.string() });

export const CustomStatusExpiration = z.enum(['never', 'min30', 'hour1', 'hour4', 'today', 'thisWeek', 'custom']);

export const PumbleCustomStatus = z.object({
  code: z.string(),
  status: z.string(),
  expiration: z.string(),
  expiresAt: z.number().int().optional(),
  showUntil: z.boolean().optional(),
});
export type PumbleCustomStatus = z.infer<typeof PumbleCustomStatus>;

/** `updateCustomStatus` body (UpdateWorkspaceUserCustomStatusRequest). */
export const UpdateCustomStatusBody = z.object({
  status: z.string().max(100).optional(),
  code: z.string().min(3).max(102),
  expiration: CustomStatusExpiration.optional(),
  expiresAt: z.number().int().min(0).max(4_000_000_000_000),
  pausedNotifications: z.boolean(),
});
export type UpdateCustomStatusBody = z.infer<typeof UpdateCustomStatusBody>;

export const PumbleWorkspaceUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  workspaceId: z.string(),
  role: z.string(),
  status: z.string(),
  avatar: PumbleAvatar,
  timeZoneId: z.string(),
  automaticallyTimeZone: z.boolean(),
  title: z.string(),
  phone: z.string(),
  customStatus: PumbleCustomStatus.optional(),
  isAddonBot: z.boolean().optional(),
  timeFormat: z.number().int(),
});
export const PumbleWorkspaceUsers = z.array(PumbleWorkspaceUser);

export const PumbleUserGroup = z.object({
  id: z.string(),
  workspaceId: z.string(),
  createdBy: z.string(),
  disabled: z.boolean(),
  name: z.string(),
  handle: z.string(),
  description: z.string(),
  workspaceUserIds: z.array(z.string()),
});
export type PumbleUserGroup = z.infer<typeof PumbleUserGroup>;
export const PumbleUserGroups = z.array(PumbleUserGroup);

export const PumbleWorkspace = z.object({
  id: z.string(),
  name: z.string(),
  avatar: PumbleAvatar.optional(),
  customStatusDefinitions: z.array(z.object({ code: z.string(), status: z.string(), expiration: z.string() })),
  uniqueIdentifier: z.string(),
});

export const PumbleOAuthUserProfile = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  workspaceUserId: z.string(),
  workspaceUserName: z.string(),
});
