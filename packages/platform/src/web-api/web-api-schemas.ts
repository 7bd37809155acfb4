import { ChannelInfo } from '@switchboard/protocol';
import { z } from 'zod';

/** A slash command as the composer's autocomplete lists it. */
export const WebSlashCommand = z.object({
  command: z.string(),
  description: z.string().nullable(),
  usageHint: z.string().nullable(),
  appId: z.string(),
  appName: z.string(),
});
export type WebSlashCommand = z.infer<typeof WebSlashCommand>;

/** A scope with its plain-words description (the page does not carry the scope table). */
export const WebScope = z.object({ scope: z.string(), description: z.string() });

/** One app on the Configure Apps page. */
export const WebApp = z.object({
  id: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  helpUrl: z.string().nullable(),
  installed: z.boolean(),
  /** The app's bot in this workspace (installed apps with a bot). */
  bot: z.object({ userId: z.string(), name: z.string(), title: z.string().nullable() }).nullable(),
  hasBot: z.boolean(),
  botTitle: z.string().nullable(),
  /** Granted bot scopes when installed, else the ones the manifest asks for. */
  botScopes: z.array(WebScope),
  /** The user scopes the manifest asks for. */
  userScopes: z.array(WebScope),
  authorizedByMe: z.boolean(),
  /** Apps the caller registered (developers see their unpublished apps). */
  mine: z.boolean(),
  slashCommands: z.array(WebSlashCommand),
  /** Where Install/Authorize goes: the app's listing page, else its consent screen; null when it has no redirect URL. */
  installUrl: z.string().nullable(),
  /** The consent screen with `isReinstall=true`. */
  reinstallUrl: z.string().nullable(),
});
export type WebApp = z.infer<typeof WebApp>;

export const WebAppsResponse = z.object({ canManage: z.boolean(), apps: z.array(WebApp) });
export type WebAppsResponse = z.infer<typeof WebAppsResponse>;

export const UnreadResponse = z.object({ channels: z.array(z.object({ channelId: z.string(), unread: z.number().int(), lastReadAt: z.number().int() })) });
export type UnreadResponse = z.infer<typeof UnreadResponse>;

export const MarkReadBody = z.object({ timestampMilli: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

const UnreadCounts = UnreadResponse.shape.channels;

export const SidebarResponse = z.object({ channels: z.array(ChannelInfo), unread: UnreadCounts });
