/**
 * The chat shapes as the page keeps them. Wire messages follow Pumble's SDK types
 * (`threadReplyInfo.rootId`, `threadRootInfo.repliesCount`, one `{user, code}` per reaction);
 * `normalizeMessage` also reads the shapes Switchboard sent before, so the page works with both.
 */
export interface Reaction {
  user: string;
  code: string;
}

export interface ChatMessage {
  id: string;
  channelId: string;
  author: string;
  text: string;
  timestampMilli: number;
  reactions: Reaction[];
  /** Set on replies. */
  rootId?: string;
  repliesCount: number;
  edited: boolean;
  deleted: boolean;
  ephemeral: boolean;
  subtype?: string;
  /** Blocks, attachments or files the page does not draw yet (its `text` stands in for them). */
  hasRichContent: boolean;
}

export interface Channel {
  id: string;
  channelType: 'SELF' | 'DIRECT' | 'PUBLIC' | 'PRIVATE';
  name?: string;
  description?: string;
  isMember?: boolean;
  isArchived?: boolean;
}

export interface ChannelInfo {
  channel: Channel;
  users?: string[];
}

export interface WorkspaceUser {
  id: string;
  name: string;
  email: string;
  role: string;
  status: string;
  /** A URL string (older shape) or Pumble's `{fullPath, scaledPath}` (empty paths: no picture). */
  avatar: unknown;
  title: string | null;
  isAddonBot?: boolean;
}

/** The picture URL of a person, whichever avatar shape the server sent. */
export function avatarOf(user: WorkspaceUser | undefined): string | null {
  const avatar = user?.avatar;
  if (typeof avatar === 'string') return avatar || null;
  if (avatar && typeof avatar === 'object') {
    const a = avatar as { scaledPath?: unknown; fullPath?: unknown };
    const path = (typeof a.scaledPath === 'string' && a.scaledPath) || (typeof a.fullPath === 'string' && a.fullPath);
    return path || null;
  }
  return null;
}

export interface SlashCommand {
  command: string;
  description: string | null;
  usageHint: string | null;
  appId: string;
  appName: string;
}

export interface WebScope {
  scope: string;
  description: string;
}

export interface WebApp {
  id: string;
  displayName: string;
  avatarUrl: string | null;
  helpUrl: string | null;
  installed: boolean;
  bot: { userId: string; name: string; title: string | null } | null;
  hasBot: boolean;
  botTitle: string | null;
  botScopes: WebScope[];
  userScopes: WebScope[];
  authorizedByMe: boolean;
  mine: boolean;
  slashCommands: SlashCommand[];
  installUrl: string | null;
  reinstallUrl: string | null;
}

export interface MessagePage {
  messages: unknown[];
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
}

type Wire = Record<string, unknown>;

/** A page of messages: `{messages, hasMoreBefore, hasMoreAfter}`, or a bare array (Pumble's thread replies). */
export function pageOf(raw: unknown, limit: number): { messages: ChatMessage[]; hasMoreBefore: boolean; hasMoreAfter: boolean } {
  if (Array.isArray(raw)) return { messages: raw.map(normalizeMessage), hasMoreBefore: raw.length >= limit, hasMoreAfter: false };
  const page = (raw ?? {}) as Partial<MessagePage>;
  return { messages: (page.messages ?? []).map(normalizeMessage), hasMoreBefore: page.hasMoreBefore === true, hasMoreAfter: page.hasMoreAfter === true };
}

function reactionsOf(raw: unknown): Reaction[] {
  if (!Array.isArray(raw)) return [];
  const out: Reaction[] = [];
  for (const item of raw as Wire[]) {
    if (typeof item?.code !== 'string') continue;
    if (typeof item.user === 'string') out.push({ user: item.user, code: item.code });
    else if (Array.isArray(item.userIds)) for (const user of item.userIds) if (typeof user === 'string') out.push({ user, code: item.code });
  }
  return out;
}

/** A wire message (either shape) as the page keeps it. */
export function normalizeMessage(raw: unknown): ChatMessage {
  const m = raw as Wire;
  const reply = (m.threadReplyInfo ?? {}) as Wire;
  const root = (m.threadRootInfo ?? {}) as Wire;
  const rootId = (reply.rootId ?? reply.threadRootId ?? m.threadRootId) as string | undefined;
  return {
    id: String(m.id),
    channelId: String(m.channelId),
    author: String(m.author ?? ''),
    text: typeof m.text === 'string' ? m.text : '',
    timestampMilli: typeof m.timestampMilli === 'number' ? m.timestampMilli : Date.parse(String(m.timestamp)) || 0,
    reactions: reactionsOf(m.reactions),
    rootId: typeof rootId === 'string' ? rootId : undefined,
    repliesCount: Number(root.repliesCount ?? root.replyCount ?? 0) || 0,
    edited: m.edited === true,
    deleted: m.deleted === true,
    ephemeral: m.ephemeral === true,
    subtype: typeof m.subtype === 'string' ? m.subtype : undefined,
    hasRichContent: [m.blocks, m.attachments, m.files].some((x) => Array.isArray(x) && x.length > 0),
  };
}
