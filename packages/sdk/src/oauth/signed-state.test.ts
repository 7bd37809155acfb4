import { describe, expect, it } from 'vitest';
import { OAuthFlowError } from './oauth-error.js';
import { SignedStates } from './signed-state.js';
import { MemoryStateStore } from './state-store.js';

const SECRET = 'a-state-secret-of-at-least-32-chars!!';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OAuthFlowError);
  return (error as OAuthFlowError).code;
}

describe('SignedStates', () => {
  let clock = 1_000_000;
  const states = (options: Partial<ConstructorParameters<typeof SignedStates>[0]> = {}) =>
    new SignedStates({ secret: SECRET, purpose: 'install', now: () => clock, ...options });

  it('round-trips data and derives the same PKCE verifier on redeem', async () => {
    const s = states();
    const issued = s.issue({ provider: 'github', groupId: 'C1' });
    expect(issued.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt).toBe(clock + 600_000);
    const redeemed = await s.redeem(issued.state);
    expect(redeemed).toEqual({ data: { provider: 'github', groupId: 'C1' }, codeVerifier: issued.codeVerifier });
    expect(s.issue().codeVerifier).not.toBe(issued.codeVerifier);
  });

  it('works once: a replay is state_reused, also when both arrive together', async () => {
    const s = states();
    const { state } = s.issue();
    const outcomes = await Promise.allSettled([s.redeem(state), s.redeem(state), s.redeem(state)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await codeOf(s.redeem(state))).toBe('state_reused');
  });

  it('refuses tampered, foreign, cross-flow and malformed states as invalid_state', async () => {
    const s = states();
    const { state } = s.issue({ groupId: 'C1' });
    const [payload, mac] = state.split('.');
    const forgedBody = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('C1', 'C2')).toString('base64url');
    expect(await codeOf(s.redeem(`${forgedBody}.${mac}`))).toBe('invalid_state');
    expect(await codeOf(s.redeem(`${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`))).toBe('invalid_state');
    expect(await codeOf(s.redeem(states({ secret: `${SECRET}-other` }).issue().state))).toBe('invalid_state');
    expect(await codeOf(s.redeem(states({ purpose: 'service' }).issue().state))).toBe('invalid_state');
    for (const junk of [null, '', 'no-dot', '.x', `${'a'.repeat(3000)}.b`]) expect(await codeOf(s.redeem(junk))).toBe('invalid_state');
    // None of the refusals used the genuine state up.
    expect((await s.redeem(state)).data).toEqual({ groupId: 'C1' });
  });

  it('expires after its time to live without being consumed', async () => {
    const store = new MemoryStateStore(() => clock);
    const s = states({ ttlMs: 1000, store });
    const { state } = s.issue();
    clock += 1000;
    expect(await codeOf(s.redeem(state))).toBe('state_expired');
    expect(store.size).toBe(0);
  });

  it('forgets used states once they could no longer be redeemed anyway', async () => {
    const store = new MemoryStateStore(() => clock);
    const s = states({ ttlMs: 1000, store });
    await s.redeem(s.issue().state);
    await s.redeem(s.issue().state);
    expect(store.size).toBe(2);
    clock += 1000;
    await s.redeem(s.issue().state);
    expect(store.size).toBe(1);
  });

  it('fails at construction on a short secret', () => {
    expect(() => new SignedStates({ secret: 'short', purpose: 'install' })).toThrow(/at least 32/);
  });
});
