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
  apps: AppsTable;
  app_installations: AppInstallationsTable;
  app_authorizations: AppAuthorizationsTable;
  app_tokens: AppTokensTable;
  oauth_codes: OAuthCodesTable;
  signing_keys: SigningKeysTable;
  event_outbox: EventOutboxTable;
  webhooks: WebhooksTable;
  webhook_sequences: WebhookSequencesTable;
  trigger_views: TriggerViewsTable;
  trigger_interactions: TriggerInteractionsTable;
  trigger_ephemerals: TriggerEphemeralsTable;
  socket_presence: SocketPresenceTable;
  socket_trigger_requests: SocketTriggerRequestsTable;
  channel_posting: ChannelPostingTable;
  custom_statuses: CustomStatusesTable;
  user_groups: UserGroupsTable;
  user_group_members: UserGroupMembersTable;
  home_views: HomeViewsTable;
  ephemeral_messages: EphemeralMessagesTable;
}

export interface AppsTable {
  id: string;
  owner_user_id: string;
  owner_workspace_id: string;
  name: string;
  /** The registered manifest as JSON text. */
  manifest: string;
  client_secret_enc: string;
  app_key_enc: string;
  app_key_hash: string;
  signing_secret_enc: string;
  previous_signing_secret_enc: string | null;
  previous_signing_until: number | null;
  published: Flag;
  created_at: number;
  updated_at: number;
}

export interface AppInstallationsTable {
  id: string;
  app_id: string;
  workspace_id: string;
  bot_user_id: string | null;
  /** JSON array of granted bot scopes. */
  bot_scopes: string;
  /** The live bot token, sealed: every authorization returns it again (PROTOCOL.md 4.1). */
  bot_token_enc: string | null;
  installed_by: string;
  installed_at: number;
  uninstalled_at: number | null;
}

export interface AppAuthorizationsTable {
  id: string;
  app_id: string;
  workspace_id: string;
  user_id: string;
  /** JSON array of granted user scopes. */
  user_scopes: string;
  granted_at: number;
  revoked_at: number | null;
}

export type AppTokenKind = 'user' | 'bot' | 'refresh';

export interface AppTokensTable {
  token_hash: string;
  kind: AppTokenKind;
  app_id: string;
  workspace_id: string;
  user_id: string;
  installation_id: string | null;
  authorization_id: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface OAuthCodesTable {
  code_hash: string;
  app_id: string;
  workspace_id: string;
  user_id: string;
  redirect_url: string;
  user_scopes: string;
  bot_scopes: string;
  is_reinstall: Flag;
  /** `pumble` (/oauth2/access) or `watson` (/oauth/token). */
  flow: 'pumble' | 'watson';
  code_challenge: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  /** JSON array of token hashes issued with this code, revoked if the code is replayed. */
  issued_token_hashes: string | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  private_jwk_enc: string;
  public_jwk: string;
  created_at: number;
  retired_at: number | null;
}

export interface EventOutboxTable {
  id: string;
  app_id: string;
  workspace_id: string;
  event_type: string;
  /** Ordering key: events of one (app, channel) are delivered in order. */
  channel_key: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  next_attempt_at: number;
  first_failed_at: number | null;
  lease_until: number | null;
  created_at: number;
}

/** Delivery columns of event_outbox (migration 004); merges into the interface above. */
export interface EventOutboxTable {
  lease_owner: string | null;
  target: string | null;
  outbound_index: number | null;
  delivered_at: number | null;
  last_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
}

/** Watson-style webhooks (migration 005). */
export interface WebhooksTable {
  id: string;
  app_id: string;
  url: string;
  /** JSON array of Watson event names. */
  events: string;
  secret_enc: string;
  enabled: Flag;
  created_at: number;
  updated_at: number;
}

/** Last X-OUTBOUND-INDEX handed out per (app, channel) (migration 005). */
export interface WebhookSequencesTable {
  app_id: string;
  channel_key: string;
  last_index: number;
}

/** An open (or closed) view of a person; see migration 006. */
export interface TriggerViewsTable {
  id: string;
  app_id: string;
  workspace_id: string;
  user_id: string;
  channel_id: string | null;
  root_id: string;
  parent_id: string | null;
  callback_id: string | null;
  view: string;
  state: string;
  errors: string | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

/** A block interaction whose element shows as loading until the app completes it or it expires. */
export interface TriggerInteractionsTable {
  trigger_id: string;
  app_id: string;
  workspace_id: string;
  user_id: string;
  channel_id: string | null;
  source_type: string;
  source_id: string;
  expires_at: number;
  completed_at: number | null;
}

/** Delivery attempts kept for the operations API (migration 007); merges into Database above. */
export interface Database {
  event_delivery_attempts: EventDeliveryAttemptsTable;
}

/**
 * One attempt at an event_outbox row. Only failed attempts and the success that ends a run of
 * failures are kept (a first-try success is fully described by its outbox row), for 7 days.
 */
export interface EventDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  app_id: string;
  attempted_at: number;
  /** Null when no transport was reached (the target could not be resolved). */
  transport: string | null;
  url: string | null;
  outcome: 'delivered' | 'retry' | 'failed';
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
  /** When the next attempt is due (outcome `retry`). */
  next_attempt_at: number | null;
}

/** An ephemeral message with blocks, kept so clicks on it can be checked. */
export interface TriggerEphemeralsTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  author_id: string;
  recipients: string;
  blocks: string;
  thread_root_id: string | null;
  created_at: number;
}

/** A node holding at least one socket-mode connection of an app (PostgreSQL clusters). */
export interface SocketPresenceTable {
  node_id: string;
  app_id: string;
  expires_at: number;
}

/** A trigger handed to whichever node holds the app's socket connection (PostgreSQL clusters). */
export interface SocketTriggerRequestsTable {
  /** Also the frame's correlation_id. */
  id: string;
  app_id: string;
  origin_node: string;
  /** The trigger payload as JSON text. */
  payload: string;
  claimed_by: string | null;
  /** The HubAnswer as JSON text, once the holding node has it. */
  reply: string | null;
  created_at: number;
}

export interface Database {
  one_time_logins: OneTimeLoginsTable;
}

/** A single-use sign-in link (`switchboard dev` prints one for the demo person). */
export interface OneTimeLoginsTable {
  token_hash: string;
  account_id: string;
  workspace_user_id: string;
  workspace_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** A channel's posting permissions; no row means everyone may post (issue 16). */
export interface ChannelPostingTable {
  channel_id: string;
  posting_group: 'EVERYONE' | 'ADMINS' | 'ADMINS_AND_SELECTED';
  /** JSON array of people allowed besides admins. */
  user_ids: string;
  allow_threads: Flag;
  allow_mentions: Flag;
  updated_at: number;
}

export interface CustomStatusesTable {
  user_id: string;
  workspace_id: string;
  code: string;
  status: string;
  expiration: string;
  /** Epoch ms; 0 when it never expires. */
  expires_at: number;
  paused_notifications: Flag;
  updated_at: number;
}

export interface UserGroupsTable {
  id: string;
  workspace_id: string;
  name: string;
  handle: string;
  description: string;
  created_by: string;
  disabled: Flag;
  created_at: number;
}

export interface UserGroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface HomeViewsTable {
  app_id: string;
  user_id: string;
  workspace_id: string;
  /** JSON {blocks, title?, state?}. */
  view: string;
  updated_at: number;
}

/** Who sent an ephemeral message to whom (the message itself is pushed, never stored). */
export interface EphemeralMessagesTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  author_id: string;
  /** The app whose token posted it; null when a person posted it. */
  app_id: string | null;
  /** JSON array of the people who still see it. */
  recipients: string;
  thread_root_id: string | null;
  created_at: number;
}

/** Sign-in by e-mail code (pumble-cli `/lead`); see migration 021. */
export interface LoginLeadsTable {
  id_hash: string;
  email: string;
  account_id: string | null;
  code_hash: string;
  attempts: number;
  created_at: number;
  expires_at: number;
  activated_at: number | null;
  consumed_at: number | null;
}

export interface LoginExchangesTable {
  token_hash: string;
  account_id: string;
  workspace_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface Database {
  login_leads: LoginLeadsTable;
  login_exchanges: LoginExchangesTable;
}
