import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import { hashToken } from '../security/tokens.js';
import type { LeadStore } from './lead-store.js';
import type { LoginCodeSender } from './login-code-sender.js';
import type { LoginResult, SessionsService } from './sessions-service.js';
import type { SessionsStore } from './sessions-store.js';

const CODE_TTL_MS = 10 * 60_000;
const EXCHANGE_TTL_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;
/** Codes one address may be sent per window: enough for typos, too few to flood an inbox. */
const LEADS_PER_WINDOW = 5;
const LEAD_WINDOW_MS = 15 * 60_000;

export interface LeadWorkspace {
  workspace: { id: string; name: string };
  workspaceUser: { id: string };
  exchangeToken: string;
}

const wrongCode = () => new SwitchboardError('invalid_grant', 'The code is wrong or has expired; ask for a new one.');

/** The code is hashed with its lead id, so equal codes of two leads never share a hash. */
function codeHash(leadIdHash: string, code: string): string {
  return createHash('sha256').update(`${leadIdHash}:${code.trim()}`).digest('hex');
}

/**
 * Sign-in by e-mail code, the flow pumble-cli uses (PROTOCOL.md 2): `lead` sends a 6-digit code,
 * `activate` checks it (5 tries), `login` trades the activated lead once for an exchange token
 * per workspace, `exchange` trades one of those once for a session. Every answer about an
 * address is the same whether or not it has an account, so the flow reveals no accounts.
 */
export class LeadService {
  constructor(
    private readonly leads: LeadStore,
    private readonly accounts: SessionsStore,
    private readonly sessions: SessionsService,
    private readonly workspaceName: (workspaceId: string) => Promise<string | undefined>,
    private readonly sendCode: LoginCodeSender,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(rawEmail: string): Promise<{ id: string }> {
    const email = rawEmail.trim().toLowerCase();
    const now = this.clock.now();
    if ((await this.leads.countRecentLeads(email, now - LEAD_WINDOW_MS)) >= LEADS_PER_WINDOW) {
      throw new SwitchboardError('rate_limited', 'Too many codes were asked for this address; wait a few minutes.', { retryAfter: 300 });
    }
    const id = randomBytes(24).toString('base64url');
    const idHash = hashToken(id);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const account = await this.accounts.findAccountByEmail(email);
    await this.leads.insertLead({
      id_hash: idHash,
      email,
      account_id: account?.id ?? null,
      code_hash: codeHash(idHash, code),
      attempts: 0,
      created_at: now,
      expires_at: now + CODE_TTL_MS,
      activated_at: null,
      consumed_at: null,
    });
    // Only a real account is sent a code, in the background: the answer and its timing are the
    // same either way, so /lead does not tell who has an account. A failure is logged.
    if (account) {
      this.sendCode(email, code).catch((err: unknown) => this.log.error({ err }, 'could not send a sign-in code'));
    }
    await this.leads.prune(now - 24 * 3_600_000).catch(() => undefined);
    return { id };
  }

  async activate(rawEmail: string, code: string, leadId: string | undefined): Promise<void> {
    const email = rawEmail.trim().toLowerCase();
    const now = this.clock.now();
    const lead = leadId ? await this.leads.findLead(hashToken(leadId)) : await this.leads.findOpenLeadByEmail(email, now);
    if (!lead || lead.email !== email || lead.expires_at <= now || lead.activated_at !== null || lead.attempts >= MAX_ATTEMPTS) throw wrongCode();
    await this.leads.countAttempt(lead.id_hash);
    const given = Buffer.from(codeHash(lead.id_hash, code), 'hex');
    const matches = timingSafeEqual(given, Buffer.from(lead.code_hash, 'hex'));
    if (!matches || lead.account_id === null || !(await this.leads.activate(lead.id_hash, now))) throw wrongCode();
  }

  async login(leadId: string): Promise<{ items: LeadWorkspace[] }> {
    const now = this.clock.now();
    const idHash = hashToken(leadId);
    const lead = await this.leads.findLead(idHash);
    const invalid = () => new SwitchboardError('invalid_grant', 'This sign-in is not activated, expired or already used; start again.');
    if (!lead || lead.activated_at === null || lead.consumed_at !== null || lead.account_id === null) throw invalid();
    if (now - lead.activated_at > CODE_TTL_MS) throw invalid();
    const memberships = await this.accounts.listMemberships(lead.account_id);
    const items: LeadWorkspace[] = [];
    const rows = [];
    for (const membership of memberships) {
      const exchangeToken = randomBytes(32).toString('base64url');
      rows.push({
        token_hash: hashToken(exchangeToken),
        account_id: lead.account_id,
        workspace_id: membership.workspace_id,
        created_at: now,
        expires_at: now + EXCHANGE_TTL_MS,
        used_at: null,
      });
      const name = (await this.workspaceName(membership.workspace_id)) ?? membership.workspace_id;
      items.push({ workspace: { id: membership.workspace_id, name }, workspaceUser: { id: membership.id }, exchangeToken });
    }
    if (!(await this.leads.consume(idHash, now, rows))) throw invalid();
    return { items };
  }

  async exchange(workspaceId: string, exchangeToken: string): Promise<LoginResult> {
    const row = await this.leads.useExchange(hashToken(exchangeToken), workspaceId, this.clock.now());
    if (!row) throw new SwitchboardError('invalid_grant', 'The exchange token is not valid for that workspace (used, expired or unknown).');
    const membership = await this.accounts.findMembership(row.account_id, workspaceId);
    if (!membership) throw new SwitchboardError('forbidden', 'This person is not an active member of that workspace.');
    return this.sessions.openSession(row.account_id, membership);
  }
}
