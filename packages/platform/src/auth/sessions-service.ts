import { randomBytes } from 'node:crypto';
import { SwitchboardError } from '@switchboard/protocol';
import type { Clock } from '../clock.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import { newId } from '../store/ids.js';
import type { PersonActor } from './actor.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import type { PersonTokens } from './person-tokens.js';
import type { SessionsStore } from './sessions-store.js';

export interface LoginResult {
  token: string;
  refreshToken: string;
  workspaceId: string;
  workspaceUserId: string;
  /** Browser cookie value; never returned in a body. */
  cookie: string;
  cookieMaxAgeSeconds: number;
}

interface CachedSession {
  actor: PersonActor;
  expiresAt: number;
  checkedAt: number;
}

/** Which sessions just ended: one (logout, refresh replay) or all of a person's (deactivation). */
export type EndedSessions = { sessionId: string } | { userId: string };

/** How long a node trusts its cached view of a session; local revocations apply at once. */
const SESSION_CACHE_MS = 2_000;

/** People's sign-in: login, token refresh with rotation and reuse detection, logout. */
export class SessionsService {
  private readonly cache = new Map<string, CachedSession>();
  private readonly endedListeners: ((ended: EndedSessions) => void)[] = [];

  constructor(
    private readonly store: SessionsStore,
    private readonly tokens: PersonTokens,
    private readonly clock: Clock,
    private readonly sessionTtlSeconds: number,
  ) {}

  async login(email: string, password: string, workspaceId?: string): Promise<LoginResult> {
    const account = await this.store.findAccountByEmail(email.trim().toLowerCase());
    const ok = await verifyPassword(account?.password_hash ?? (await dummyPasswordHash()), password);
    if (!account || !ok) throw new SwitchboardError('invalid_credentials', 'The email or password is wrong.');
    const membership = await this.store.findMembership(account.id, workspaceId);
    if (!membership) {
      throw new SwitchboardError('forbidden', 'This person is not an active member of that workspace.');
    }
    return this.openSession(account.id, membership);
  }

  /**
   * Starts a session for a person whose identity the caller already established (the password
   * above, or a single-use sign-in link).
   */
  async openSession(accountId: string, membership: { id: string; workspace_id: string }): Promise<LoginResult> {
    const now = this.clock.now();
    const cookie = newOpaqueToken('session');
    const expiresAt = now + this.sessionTtlSeconds * 1000;
    const refreshToken = this.tokens.newRefreshToken(expiresAt);
    const sessionId = newId(now);
    await this.store.createSession(
      {
        id: sessionId,
        account_id: accountId,
        workspace_user_id: membership.id,
        workspace_id: membership.workspace_id,
        cookie_hash: hashToken(cookie),
        created_at: now,
        expires_at: expiresAt,
        revoked_at: null,
      },
      hashToken(refreshToken),
      expiresAt,
    );
    const token = await this.tokens.sign({ sub: membership.id, wid: membership.workspace_id, aid: accountId, sid: sessionId }, now);
    return {
      token,
      refreshToken,
      workspaceId: membership.workspace_id,
      workspaceUserId: membership.id,
      cookie,
      cookieMaxAgeSeconds: this.sessionTtlSeconds,
    };
  }

  /** Exchanges a refresh token for a new pair; replaying a used one ends the whole session. */
  async refresh(workspaceId: string, refreshToken: string): Promise<{ token: string; refreshToken: string }> {
    const now = this.clock.now();
    const expiresAt = now + this.sessionTtlSeconds * 1000;
    const next = this.tokens.newRefreshToken(expiresAt);
    const rotated = await this.store.rotateRefresh(hashToken(refreshToken), hashToken(next), workspaceId, now, expiresAt);
    if (rotated.outcome === 'unknown') throw new SwitchboardError('invalid_grant', 'The refresh token is not valid for that workspace.');
    if (rotated.outcome === 'reused') {
      await this.revoke(rotated.sessionId);
      throw new SwitchboardError('invalid_grant', 'The refresh token was already used; the session has been ended.');
    }
    const actor = await this.loadSession(rotated.sessionId, now);
    if (!actor) throw new SwitchboardError('invalid_grant', 'The session of this refresh token has ended.');
    const token = await this.tokens.sign({ sub: actor.userId, wid: actor.workspaceId, aid: actor.accountId, sid: actor.sessionId }, now);
    return { token, refreshToken: next };
  }

  /**
   * Tells `listener` whenever sessions end on this node, so long-lived connections opened with
   * them (the realtime WebSocket) are closed too; a token check only happens at connect time.
   */
  onEnded(listener: (ended: EndedSessions) => void): void {
    this.endedListeners.push(listener);
  }

  async revoke(sessionId: string): Promise<void> {
    this.cache.delete(sessionId);
    await this.store.revokeSession(sessionId, this.clock.now());
    this.notifyEnded({ sessionId });
  }

  /** Ends every session of a person (deactivation); applies on this node at once. */
  async revokeUser(userId: string): Promise<void> {
    for (const [id, entry] of this.cache) if (entry.actor.userId === userId) this.cache.delete(id);
    await this.store.revokeSessionsOfUser(userId, this.clock.now());
    this.notifyEnded({ userId });
  }

  private notifyEnded(ended: EndedSessions): void {
    for (const listener of this.endedListeners) listener(ended);
  }

  async authenticateToken(token: string): Promise<PersonActor> {
    const now = this.clock.now();
    const claims = await this.tokens.verify(token, now);
    const actor = await this.cachedSession(claims.sid, now);
    if (!actor || actor.userId !== claims.sub) throw new SwitchboardError('invalid_token', 'The session has ended; sign in again.');
    return actor;
  }

  async authenticateCookie(cookie: string): Promise<PersonActor> {
    const now = this.clock.now();
    const session = await this.store.findSessionByCookie(hashToken(cookie));
    const actor = session ? await this.cachedSession(session.id, now) : undefined;
    if (!actor) throw new SwitchboardError('unauthenticated', 'The session has ended; sign in again.');
    return actor;
  }

  private async cachedSession(sessionId: string, now: number): Promise<PersonActor | undefined> {
    const hit = this.cache.get(sessionId);
    if (hit && now - hit.checkedAt < SESSION_CACHE_MS && hit.expiresAt > now) return hit.actor;
    return this.loadSession(sessionId, now);
  }

  private async loadSession(sessionId: string, now: number): Promise<PersonActor | undefined> {
    const session = await this.store.findSession(sessionId);
    if (!session || session.revoked_at !== null || session.expires_at <= now) {
      this.cache.delete(sessionId);
      return undefined;
    }
    const user = await this.store.findUser(session.workspace_user_id);
    if (user?.status !== 'ACTIVE') return undefined;
    const actor: PersonActor = {
      kind: 'person',
      workspaceId: session.workspace_id,
      userId: session.workspace_user_id,
      accountId: session.account_id,
      sessionId,
      role: user.role,
    };
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(sessionId, { actor, expiresAt: session.expires_at, checkedAt: now });
    return actor;
  }
}

/** A random password for demo people when none is configured. */
export function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}
