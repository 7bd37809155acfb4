import { SwitchboardError } from '@switchboard/protocol';
import type { Clock } from '../clock.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import type { PersonActor } from './actor.js';
import type { OneTimeLoginStore } from './one-time-login-store.js';
import type { LoginResult, SessionsService } from './sessions-service.js';
import type { SessionsStore } from './sessions-store.js';

/** A link stays usable this long: enough to click it from a terminal, too short to be worth leaking. */
export const ONE_TIME_LOGIN_TTL_MS = 10 * 60_000;

export interface IssuedLogin {
  token: string;
  expiresAt: number;
}

/**
 * Single-use sign-in links. A signed-in person asks for one to open the chat page elsewhere (a
 * CLI handing over to the browser); `switchboard dev` asks in-process for the demo person, who
 * has no password anyone remembers. Redeeming starts an ordinary session.
 */
export class OneTimeLogins {
  constructor(
    private readonly store: OneTimeLoginStore,
    private readonly accounts: SessionsStore,
    private readonly sessions: SessionsService,
    private readonly clock: Clock,
  ) {}

  /** A link for the person making the request, in the workspace of their session. */
  issueFor(actor: PersonActor): Promise<IssuedLogin> {
    return this.issue(actor.accountId, actor.userId, actor.workspaceId);
  }

  /** For callers inside the platform's process only (no request proves who asks). */
  async issueForEmail(email: string, workspaceId?: string): Promise<IssuedLogin> {
    const account = await this.accounts.findAccountByEmail(email.trim().toLowerCase());
    const membership = account ? await this.accounts.findMembership(account.id, workspaceId) : undefined;
    if (!account || !membership) throw new SwitchboardError('not_found', `No active person with the email ${email}.`);
    return this.issue(account.id, membership.id, membership.workspace_id);
  }

  /** Uses the link up and starts a session; an unknown, used or expired link is `invalid_grant`. */
  async redeem(token: string): Promise<LoginResult> {
    const now = this.clock.now();
    const link = await this.store.consume(hashToken(token), now);
    // The person may have been removed since the link was made.
    const membership = link ? await this.accounts.findMembership(link.account_id, link.workspace_id) : undefined;
    if (!link || membership?.id !== link.workspace_user_id) {
      throw new SwitchboardError('invalid_grant', 'This sign-in link is unknown, expired or already used.');
    }
    return this.sessions.openSession(link.account_id, membership);
  }

  private async issue(accountId: string, workspaceUserId: string, workspaceId: string): Promise<IssuedLogin> {
    const now = this.clock.now();
    await this.store.prune(now);
    const token = newOpaqueToken('oneTimeLogin');
    const expiresAt = now + ONE_TIME_LOGIN_TTL_MS;
    await this.store.insert({
      token_hash: hashToken(token),
      account_id: accountId,
      workspace_user_id: workspaceUserId,
      workspace_id: workspaceId,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
    });
    return { token, expiresAt };
  }
}
