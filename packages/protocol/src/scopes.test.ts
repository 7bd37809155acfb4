import { describe, expect, it } from 'vitest';
import { formatConsentScopes, parseConsentScopes, SCOPES, scopeDescriptions } from './scopes.js';

describe('scopes', () => {
  it('describes every scope in plain words', () => {
    expect(Object.keys(scopeDescriptions).sort()).toEqual([...SCOPES].sort());
    expect(scopeDescriptions['messages:read']).toBe('Read messages in channels it can see');
  });

  it('splits user and bot scopes', () => {
    expect(parseConsentScopes('messages:read,bot:messages:write,bot:messages:read')).toEqual({
      ok: true,
      userScopes: ['messages:read'],
      botScopes: ['messages:write', 'messages:read'],
    });
    expect(parseConsentScopes(' bot:channels:read , users:list ')).toEqual({ ok: true, userScopes: ['users:list'], botScopes: ['channels:read'] });
  });

  it('collects every error', () => {
    const result = parseConsentScopes('messages:read,,bot:nope,messages:read,Messages:Read,bot:,bot:bot:messages:read');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((error) => [error.code, error.entry])).toEqual([
      ['empty', ''],
      ['unknown_scope', 'bot:nope'],
      ['duplicate_scope', 'messages:read'],
      ['unknown_scope', 'Messages:Read'],
      ['unknown_scope', 'bot:'],
      ['unknown_scope', 'bot:bot:messages:read'],
    ]);
  });

  it('refuses an empty list', () => {
    for (const input of ['', '  ', null, undefined]) {
      expect(parseConsentScopes(input)).toMatchObject({ ok: false, errors: [{ code: 'empty' }] });
    }
    expect(parseConsentScopes('messages:read,')).toMatchObject({ ok: false, errors: [{ code: 'empty' }] });
  });

  it('round-trips through formatConsentScopes', () => {
    const scopes = { userScopes: ['messages:read' as const], botScopes: ['messages:write' as const, 'reaction:read' as const] };
    expect(formatConsentScopes(scopes)).toBe('messages:read,bot:messages:write,bot:reaction:read');
    expect(parseConsentScopes(formatConsentScopes(scopes))).toEqual({ ok: true, ...scopes });
  });
});
