import { createHash, randomBytes } from 'node:crypto';

/**
 * PKCE (RFC 7636) S256, shared by the platform (checking) and the SDK (sending).
 * @example const verifier = newPkceVerifier(); const challenge = pkceChallenge(verifier);
 */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** A fresh 43-character verifier (32 random bytes, base64url). @example newPkceVerifier() // "dBjftJeZ4CVP…" */
export function newPkceVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** What RFC 7636 allows as a verifier: 43–128 unreserved characters. @example isPkceVerifier('x'.repeat(43)) // true */
export function isPkceVerifier(value: string): boolean {
  return /^[A-Za-z0-9._~-]{43,128}$/.test(value);
}
