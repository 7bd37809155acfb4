/**
 * Row types of the platform database. Booleans are stored as 0/1 integers and
 * JSON as text so both dialects (SQLite, PostgreSQL) behave identically.
 */
export type Flag = 0 | 1;

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: number;
}

export interface AccountsTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: number;
}

export type WorkspaceRole = 'owner' | 'admin' | 'member' | 'bot';

export interface WorkspaceUsersTable {
  id: string;
  workspace_id: string;
  account_id: string | null;
  app_id: string | null;
  name: string;
  email: string;
  role: WorkspaceRole;
  status: 'ACTIVE' | 'DEACTIVATED';
  avatar: string | null;
  time_zone_id: string;
  title: string | null;
  created_at: number;
}

export type ChannelType = 'PUBLIC' | 'PRIVATE' | 'DIRECT' | 'SELF';

export interface ChannelsTable {
  id: string;
  workspace_id: string;
  type: ChannelType;
  name: string | null;
  description: string | null;
  is_archived: Flag;
  /** Sorted participant ids of a direct channel, so one set of people has one DM. */
  direct_key: string | null;
  created_by: string;
  created_at: number;
}

export interface ChannelMembersTable {
  channel_id: string;
  user_id: string;
  joined_at: number;
}

export interface MessagesTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  author_id: string;
  text: string;
  blocks: string | null;
  attachments: string | null;
  files: string | null;
  thread_root_id: string | null;
  reply_count: number;
  last_reply_at: number | null;
  subtype: string | null;
  edited_at: number | null;
  deleted_at: number | null;
  created_at: number;
}

export interface ReactionsTable {
  message_id: string;
  user_id: string;
  code: string;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  workspace_user_id: string;
  workspace_id: string;
  /** SHA-256 of the browser cookie value. */
  cookie_hash: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface Database {
  workspaces: WorkspacesTable;
  accounts: AccountsTable;
  workspace_users: WorkspaceUsersTable;
  channels: ChannelsTable;
  channel_members: ChannelMembersTable;
  messages: MessagesTable;
  reactions: ReactionsTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
}
