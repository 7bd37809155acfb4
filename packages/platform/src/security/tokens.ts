import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefixes tell a leaked token's kind at a glance (and let secret scanners find them). */
export const tokenPrefix = {
  refresh: 'sbr_',
  session: 'sbs_',
  userAccess: 'sbu_',
  botAccess: 'sbb_',
  authCode: 'sbc_',
  appRefresh: 'sbar_',
  oneTimeLogin: 'sbl_',
} as const;

export type TokenKind = keyof typeof tokenPrefix;

/** A random opaque token of 256 bits, prefixed by its kind. */
export function newOpaqueToken(kind: TokenKind): string {
  return tokenPrefix[kind] + randomBytes(32).toString('base64url');
}

/** Tokens are stored only as SHA-256 hashes: a database leak yields nothing usable. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time string comparison (compares hashes so lengths never leak). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
