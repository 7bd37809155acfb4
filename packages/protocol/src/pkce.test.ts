import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPkceVerifier, newPkceVerifier, pkceChallenge } from './pkce.js';
import { SecretBox } from './secret-box.js';

describe('pkce', () => {
  it('matches the RFC 7636 appendix B vector', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes fresh verifiers the platform accepts', () => {
    const a = newPkceVerifier();
    expect(isPkceVerifier(a)).toBe(true);
    expect(a).not.toBe(newPkceVerifier());
    expect(isPkceVerifier('short')).toBe(false);
    expect(isPkceVerifier(`${'x'.repeat(42)}/`)).toBe(false);
  });
});

describe('SecretBox', () => {
  it('opens only with the same key and purpose', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('s3cret', 'a');
    expect(sealed).not.toContain('s3cret');
    expect(box.open(sealed, 'a')).toBe('s3cret');
    expect(() => box.open(sealed, 'b')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'a')).toThrow();
    expect(() => new SecretBox(randomBytes(16))).toThrow();
  });
});
