import { z } from 'zod';

/**
 * OAuth scopes an app can ask for (PROTOCOL.md 3.1). The same names serve user
 * scopes and bot scopes; the consent `scopes` parameter tells them apart with a
 * `bot:` prefix.
 */
export const SCOPES = [
  'messages:read',
  'messages:write',
  'messages:edit',
  'messages:delete',
  'attachments:write',
  'user:read',
  'users:list',
  'status:write',
  'reaction:read',
  'reaction:write',
  'channels:list',
  'channels:read',
  'channels:write',
  'workspace:read',
  'calls:write',
  'files:write',
  'group:read',
] as const;

// A custom message because zod's default lists all seventeen options, which buries the bad value.
export const Scope = z.enum(SCOPES, {
  error: (issue) => (issue.input === undefined ? undefined : `unknown scope ${JSON.stringify(issue.input)}`),
});
export type Scope = z.infer<typeof Scope>;

/** Plain words for the consent screen: what a person lets the app do. */
export const scopeDescriptions: Readonly<Record<Scope, string>> = {
  'messages:read': 'Read messages in channels it can see',
  'messages:write': 'Post messages',
  'messages:edit': 'Edit messages',
  'messages:delete': 'Delete messages',
  'attachments:write': 'Add attachments to messages',
  'user:read': 'See people in the workspace and their profiles',
  'users:list': 'List the people in the workspace',
  'status:write': 'Change your status',
  'reaction:read': 'See reactions on messages',
  'reaction:write': 'Add and remove reactions',
  'channels:list': 'List channels',
  'channels:read': 'See channels and who is in them',
  'channels:write': 'Create channels and manage their members',
  'workspace:read': 'See the workspace name and settings',
  'calls:write': 'Start calls',
  'files:write': 'Upload files',
  'group:read': 'See user groups',
};

export function isScope(value: unknown): value is Scope {
  return Scope.safeParse(value).success;
}

/** Prefix that marks a bot scope in the consent `scopes` parameter (PROTOCOL.md 4.1). */
export const BOT_SCOPE_PREFIX = 'bot:';

export interface ConsentScopeError {
  code: 'empty' | 'unknown_scope' | 'duplicate_scope';
  /** The offending comma-separated entry as sent (after trimming). */
  entry: string;
  message: string;
}

export type ConsentScopesResult = { ok: true; userScopes: Scope[]; botScopes: Scope[] } | { ok: false; errors: ConsentScopeError[] };

/**
 * Parses the consent page's `scopes` csv (`messages:read,bot:messages:write`) into
 * user and bot scopes, collecting every problem instead of stopping at the first so
 * the consent page can show them together. Order is not enforced: the Pumble SDK
 * sends user scopes first, but a different order carries no risk.
 * @example parseConsentScopes('messages:read,bot:messages:write')
 *   // { ok: true, userScopes: ['messages:read'], botScopes: ['messages:write'] }
 */
export function parseConsentScopes(csv: string | null | undefined): ConsentScopesResult {
  const errors: ConsentScopeError[] = [];
  if (typeof csv !== 'string' || csv.trim() === '') {
    return { ok: false, errors: [{ code: 'empty', entry: '', message: 'No scopes were requested.' }] };
  }
  const userScopes: Scope[] = [];
  const botScopes: Scope[] = [];
  const seen = new Set<string>();
  for (const rawEntry of csv.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') {
      errors.push({ code: 'empty', entry, message: 'The scope list has an empty entry.' });
      continue;
    }
    const isBot = entry.startsWith(BOT_SCOPE_PREFIX);
    const name = isBot ? entry.slice(BOT_SCOPE_PREFIX.length) : entry;
    if (!isScope(name)) {
      errors.push({ code: 'unknown_scope', entry, message: `Unknown scope ${JSON.stringify(entry)}.` });
      continue;
    }
    if (seen.has(entry)) {
      errors.push({ code: 'duplicate_scope', entry, message: `Scope ${JSON.stringify(entry)} is listed twice.` });
      continue;
    }
    seen.add(entry);
    (isBot ? botScopes : userScopes).push(name);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, userScopes, botScopes };
}

/** Inverse of {@link parseConsentScopes}: user scopes first, then bot scopes with their prefix. */
export function formatConsentScopes(scopes: { userScopes: readonly Scope[]; botScopes: readonly Scope[] }): string {
  return [...scopes.userScopes, ...scopes.botScopes.map((scope) => BOT_SCOPE_PREFIX + scope)].join(',');
}
