/**
 * Where an app keeps the tokens it receives from `POST /oauth2/access` (PROTOCOL.md 4.1).
 * The read/save half is the Pumble SDK's `CredentialsStore` (seed 000), so a store written
 * for Pumble works here; `deleteWorkspace` / `deleteUser` are ours, for the
 * APP_UNINSTALLED / APP_UNAUTHORIZED events.
 */

/** The token exchange answer; `botToken`/`botId` only when the app has a bot. */
export interface OAuth2AccessTokenResponse {
  accessToken: string;
  botToken?: string;
  userId: string;
  botId?: string;
  workspaceId: string;
}

export interface CredentialsStore {
  /** Prepares storage (opens files, creates tables). Call once before anything else. */
  initialize(): Promise<void>;
  /** The workspace's bot token, or `undefined` when the app is not installed there. */
  getBotToken(workspaceId: string): Promise<string | undefined>;
  /** The token a person granted the app, or `undefined`. */
  getUserToken(workspaceId: string, workspaceUserId: string): Promise<string | undefined>;
  /** The bot's workspace user id, or `undefined`. */
  getBotUserId(workspaceId: string): Promise<string | undefined>;
  /**
   * Saves one authorization. The person's token always; the bot token and id when present —
   * a reinstall issues a new bot token and kills the old one, so the latest always wins.
   * An authorization without a bot part keeps the workspace's existing bot credentials.
   */
  saveTokens(accessTokenResponse: OAuth2AccessTokenResponse): Promise<void>;
  /** Forgets everything about a workspace (the app was uninstalled there). */
  deleteWorkspace(workspaceId: string): Promise<void>;
  /** Forgets one person's token (they unauthorized the app); the bot is untouched. */
  deleteUser(workspaceId: string, workspaceUserId: string): Promise<void>;
  /** Releases connections or handles, when the store holds any. */
  close?(): Promise<void>;
}

export interface NormalizedTokens {
  workspaceId: string;
  userId: string;
  accessToken: string;
  bot?: { token: string; userId: string };
}

/**
 * Shared guard so every store rejects malformed input the same way. A JSON `null`
 * bot part (some clients send it for bot-less apps) counts as absent.
 */
export function normalizeTokenResponse(response: OAuth2AccessTokenResponse): NormalizedTokens {
  for (const key of ['accessToken', 'userId', 'workspaceId'] as const) {
    if (typeof response[key] !== 'string' || response[key].length === 0) {
      throw new TypeError(`saveTokens: ${key} must be a non-empty string.`);
    }
  }
  const { botToken, botId } = response;
  const hasToken = typeof botToken === 'string' && botToken.length > 0;
  const hasId = typeof botId === 'string' && botId.length > 0;
  // Half a bot would make getBotToken and getBotUserId disagree.
  if (hasToken !== hasId) throw new TypeError('saveTokens: botToken and botId come together.');
  const base = { workspaceId: response.workspaceId, userId: response.userId, accessToken: response.accessToken };
  return hasToken && hasId ? { ...base, bot: { token: botToken, userId: botId } } : base;
}
