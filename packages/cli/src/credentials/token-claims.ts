/** The claims of a JWT, read without verifying it (the platform verifies; we only plan refreshes). */
export function readClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** When the token expires (epoch ms), or undefined when it does not say. */
export function expiresAt(token: string): number | undefined {
  const exp = readClaims(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

/** Workspace and person a Switchboard person token names (`wid`, `sub`). */
export function tokenIdentity(token: string): { workspaceId: string; workspaceUserId: string } | undefined {
  const claims = readClaims(token);
  return typeof claims?.wid === 'string' && typeof claims.sub === 'string' ? { workspaceId: claims.wid, workspaceUserId: claims.sub } : undefined;
}
