import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { OAuthFlowError } from './oauth-error.js';
import { MemoryStateStore, type StateStore } from './state-store.js';

/** What the state carries; signed, so nobody can change it, but readable: put no secret in it. */
export type StateData = Record<string, string | number | boolean | null>;

export interface SignedStatesOptions {
  /** The HMAC key, at least 32 characters (e.g. `openssl rand -base64 32`). Keep it out of the client. */
  secret: string;
  /** Which flow the states belong to; a state issued for one flow is refused by another. */
  purpose: string;
  /** How long a state stays valid. Default 10 minutes (what the platform gives a code). */
  ttlMs?: number;
  /** Where used states are remembered. Default: in memory. */
  store?: StateStore;
  /** Epoch ms clock, injectable for tests. */
  now?: () => number;
}

/** A state ready to send, and the PKCE verifier that goes with it. */
export interface IssuedState {
  state: string;
  /** The PKCE verifier for this state; derived from the secret, so nothing needs storing. */
  codeVerifier: string;
  expiresAt: number;
}

interface StateBody {
  /** purpose */
  p: string;
  /** nonce */
  n: string;
  /** expires at, epoch ms */
  e: number;
  d: StateData;
}

export const DEFAULT_STATE_TTL_MS = 10 * 60 * 1000;
const MIN_SECRET_LENGTH = 32;

/**
 * OAuth `state` values that are signed (HMAC-SHA256), expiring and single-use: the remedy for
 * seed 002's forgeable `group:bot` state. The state is `base64url(JSON).base64url(mac)`; its
 * PKCE verifier is an HMAC of its nonce, so the app keeps nothing per state until it is used.
 * @example
 * const states = new SignedStates({ secret: process.env.STATE_SECRET!, purpose: 'install' });
 * const { state, codeVerifier } = states.issue({ reinstall: true });
 * const { data, codeVerifier: again } = await states.redeem(state); // throws OAuthFlowError on replay
 */
export class SignedStates {
  private readonly secret: string;
  private readonly purpose: string;
  private readonly ttlMs: number;
  private readonly store: StateStore;
  private readonly now: () => number;

  constructor(options: SignedStatesOptions) {
    if (typeof options.secret !== 'string' || options.secret.length < MIN_SECRET_LENGTH) {
      throw new TypeError(`The OAuth state secret must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32).`);
    }
    this.secret = options.secret;
    this.purpose = options.purpose;
    this.ttlMs = options.ttlMs ?? DEFAULT_STATE_TTL_MS;
    if (!(this.ttlMs > 0)) throw new TypeError('The OAuth state time to live must be positive.');
    this.store = options.store ?? new MemoryStateStore(options.now);
    this.now = options.now ?? Date.now;
  }

  /** A fresh state carrying `data`. @example states.issue({ provider: 'github', groupId }) */
  issue(data: StateData = {}): IssuedState {
    const body: StateBody = { p: this.purpose, n: randomBytes(16).toString('base64url'), e: this.now() + this.ttlMs, d: data };
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    return { state: `${payload}.${this.mac(payload)}`, codeVerifier: this.verifierFor(body.n), expiresAt: body.e };
  }

  /**
   * Checks signature, flow and age, then marks the state used. Throws {@link OAuthFlowError}
   * `invalid_state`, `state_expired` or `state_reused`.
   * @example const { data } = await states.redeem(url.searchParams.get('state'));
   */
  async redeem(state: string | null | undefined): Promise<{ data: StateData; codeVerifier: string }> {
    const body = this.open(state);
    if (body.e <= this.now()) throw new OAuthFlowError('state_expired', 'This link has expired; start again.');
    if (!(await this.store.consume(`${this.purpose}:${body.n}`, body.e))) {
      throw new OAuthFlowError('state_reused', 'This link was already used; start again.');
    }
    return { data: body.d, codeVerifier: this.verifierFor(body.n) };
  }

  private open(state: string | null | undefined): StateBody {
    const invalid = (why: string) => new OAuthFlowError('invalid_state', `The state ${why}; start again.`);
    if (!state) throw invalid('is missing');
    const dot = state.indexOf('.');
    if (dot < 1 || state.length > 2048) throw invalid('is malformed');
    const payload = state.slice(0, dot);
    const given = Buffer.from(state.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('is not ours');
    let body: StateBody;
    try {
      body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as StateBody;
    } catch {
      throw invalid('is malformed');
    }
    // Signed by us, so well-formed; the purpose check stops a state crossing flows.
    if (body.p !== this.purpose || typeof body.n !== 'string' || typeof body.e !== 'number') throw invalid('belongs to another flow');
    return body;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(`switchboard-state.v1.${payload}`).digest('base64url');
  }

  private verifierFor(nonce: string): string {
    // 32 bytes base64url = 43 characters, the shortest verifier RFC 7636 allows.
    return createHmac('sha256', this.secret).update(`switchboard-pkce.v1.${nonce}`).digest('base64url');
  }
}
