import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRedirectUrl, matchRedirectUrl } from './redirect-match.js';

interface RedirectVectors {
  registered: string;
  cases: { url: string; accepted: boolean }[];
}

const vectors: RedirectVectors = JSON.parse(readFileSync(new URL('../../../vectors/redirect-match.json', import.meta.url), 'utf8'));

describe('matchRedirectUrl: shared vectors', () => {
  it('loads every vector', () => {
    expect(vectors.cases.length).toBeGreaterThanOrEqual(15);
  });
  it.each(vectors.cases)('$url → $accepted', ({ url, accepted }) => {
    expect(matchRedirectUrl([vectors.registered], url)).toBe(accepted);
  });
});

const REG = 'https://example.com/redirect';

// [candidate, accepted] against REG in prefix mode.
const prefixCases: [string, boolean][] = [
  ['https://example.com/redirect/', true],
  ['https://example.com/redirect?code=1&state=x', true],
  ['https://example.com/redirect/deep/er/path?x=%2F', true],
  ['https://EXAMPLE.com/redirect', true],
  ['HTTPS://example.com/redirect', true],
  ['https://example.com:443/redirect', true],
  ['https://example.com/redirect?', true],
  ['https://example.com/redirect/.well-known', true],
  ['https://example.com/redirect/ćao', true],
  ['https://example.com/Redirect', false],
  ['https://example.com/redirect#', false],
  ['https://example.com/redirect/#frag', false],
  ['https://example.com/redirect/./x', false],
  ['https://example.com/redirect/..', false],
  ['https://example.com/redirect/..;/evil', false],
  ['https://example.com/redirect/%2E%2E/evil', false],
  ['https://example.com/redirect/%2fevil', false],
  ['https://example.com/redirect/%5Cevil', false],
  ['https://example.com/redirect/%252e%252e/evil', false],
  ['https://example.com/redirect/%00', false],
  ['https://example.com/redirect\\..\\evil', false],
  ['https://example.com\\@evil.com/redirect', false],
  ['https://example.com/redirect//evil.com', false],
  ['https://:pw@example.com/redirect', false],
  ['https://@example.com/redirect', false],
  ['https://example.com@evil.com/redirect', false],
  ['https://evil.com/redirect?https://example.com/redirect', false],
  ['https://example.com./redirect', false],
  ['https://example%2ecom/redirect', false],
  ['https:example.com/redirect', false],
  ['https:///example.com/redirect', false],
  ['//example.com/redirect', false],
  ['/redirect', false],
  ['javascript://example.com/redirect', false],
  ['ftp://example.com/redirect', false],
  [' https://example.com/redirect', false],
  ['https://example.com/redirect ', false],
  ['https://exa\tmple.com/redirect', false],
  ['https://example.com/redi\nrect', false],
  ['https://example.com/redirect/\u200bx', false],
  ['https://example.com/redirect/\u202ex', false],
  ['https://example.com:444/redirect', false],
  ['https://example.com/redirect/' + 'a'.repeat(2100), false],
  ['not a url', false],
  ['', false],
];

describe('matchRedirectUrl: prefix mode', () => {
  it.each(prefixCases)('%s → %s', (candidate, accepted) => {
    expect(matchRedirectUrl([REG], candidate)).toBe(accepted);
  });

  it('treats a registered trailing slash as a directory', () => {
    expect(matchRedirectUrl(['https://x.test/cb/'], 'https://x.test/cb/x')).toBe(true);
    expect(matchRedirectUrl(['https://x.test/cb/'], 'https://x.test/cb/')).toBe(true);
    expect(matchRedirectUrl(['https://x.test/cb/'], 'https://x.test/cb')).toBe(false);
  });

  it('equates an explicit default port with none, both ways', () => {
    expect(matchRedirectUrl(['http://x.test:80/cb'], 'http://x.test/cb')).toBe(true);
    expect(matchRedirectUrl(['https://x.test/cb'], 'https://x.test:443/cb/a')).toBe(true);
    expect(matchRedirectUrl(['http://x.test/cb'], 'http://x.test:443/cb')).toBe(false);
  });

  it('treats localhost and 127.0.0.1 like any other host', () => {
    expect(matchRedirectUrl(['http://localhost:3000/redirect'], 'http://localhost:3000/redirect/x')).toBe(true);
    expect(matchRedirectUrl(['http://localhost:3000/redirect'], 'http://localhost:3001/redirect')).toBe(false);
    expect(matchRedirectUrl(['http://localhost:3000/redirect'], 'http://127.0.0.1:3000/redirect')).toBe(false);
    expect(matchRedirectUrl(['http://127.0.0.1:8080/cb'], 'http://127.0.0.1:8080/cb?code=1')).toBe(true);
    expect(matchRedirectUrl(['http://localhost/cb'], 'https://localhost/cb')).toBe(false);
  });

  it('matches any of several registered URLs and ignores unusable ones', () => {
    const registered = ['not a url', 'https://a.test/one#x', 'https://b.test/two'];
    expect(matchRedirectUrl(registered, 'https://b.test/two/x')).toBe(true);
    expect(matchRedirectUrl(registered, 'https://a.test/one')).toBe(false);
    expect(matchRedirectUrl([], REG)).toBe(false);
  });

  it('lets a registered root match every path of its origin, and nothing else', () => {
    expect(matchRedirectUrl(['https://x.test'], 'https://x.test/anything/at/all')).toBe(true);
    expect(matchRedirectUrl(['https://x.test/'], 'https://x.test')).toBe(true);
    expect(matchRedirectUrl(['https://x.test'], 'https://y.test/')).toBe(false);
  });

  it('ignores a registered query in prefix mode', () => {
    expect(matchRedirectUrl(['https://x.test/cb?tenant=1'], 'https://x.test/cb?code=2')).toBe(true);
  });

  it('compares IPv6 hosts after normalisation', () => {
    expect(matchRedirectUrl(['http://[::1]:8080/cb'], 'http://[0:0:0:0:0:0:0:1]:8080/cb/x')).toBe(true);
  });
});

describe('matchRedirectUrl: exact mode', () => {
  const exact: [string[], string, boolean][] = [
    [[REG], REG, true],
    [[REG], 'https://EXAMPLE.com:443/redirect', true],
    [[REG], 'https://example.com/redirect/other', false],
    [[REG], 'https://example.com/redirect/', false],
    [[REG], 'https://example.com/redirect?x=1', false],
    [['https://example.com/cb?x=1'], 'https://example.com/cb?x=1', true],
    [['https://example.com/cb?x=1'], 'https://example.com/cb?x=2', false],
    [['https://example.com/cb?x=1'], 'https://example.com/cb', false],
    [[REG], 'https://example.com/redirect#', false],
    [[REG], 'https://user@example.com/redirect', false],
    [['http://localhost:3000/cb'], 'http://localhost:3000/cb', true],
  ];
  it.each(exact)('%j ∋ %s → %s', (registered, candidate, accepted) => {
    expect(matchRedirectUrl(registered, candidate, 'exact')).toBe(accepted);
  });
});

describe('checkRedirectUrl', () => {
  it('explains why a URL is refused', () => {
    expect(checkRedirectUrl('https://x.test/a#b')).toEqual({ ok: false, reason: 'contains a fragment' });
    expect(checkRedirectUrl('https://u@x.test/a')).toEqual({ ok: false, reason: 'must not contain user information' });
    const ok = checkRedirectUrl('https://x.test/a');
    expect(ok.ok && ok.url.href).toBe('https://x.test/a');
  });
});

describe('matchRedirectUrl: properties', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9_~-]{1,12}$/);
  const query = fc.option(fc.stringMatching(/^[A-Za-z0-9=&_-]{0,20}$/), { nil: undefined });

  it('accepts any safe path appended to the registered path after a "/"', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), query, (segments, q) => {
        const candidate = `${REG}/${segments.join('/')}${q === undefined ? '' : `?${q}`}`;
        expect(matchRedirectUrl([REG], candidate)).toBe(true);
      }),
    );
  });

  it('rejects any candidate on a different host', () => {
    fc.assert(
      fc.property(fc.domain(), fc.array(segment, { maxLength: 3 }), (domain, segments) => {
        fc.pre(URL.canParse(`https://${domain}`) && new URL(`https://${domain}`).hostname !== 'example.com');
        const candidate = `https://${domain}/redirect${segments.map((s) => `/${s}`).join('')}`;
        expect(matchRedirectUrl([REG], candidate)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects the registered path glued to any further characters without a "/"', () => {
    fc.assert(
      fc.property(segment, (suffix) => {
        expect(matchRedirectUrl([REG], `${REG}${suffix}`)).toBe(false);
      }),
    );
  });

  it('never throws, and whatever it accepts stays on the registered origin and path', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.string(),
          fc.string().map((s) => `${REG}${s}`),
        ),
        (candidate) => {
          if (!matchRedirectUrl([REG], candidate)) return;
          const url = new URL(candidate);
          expect(url.origin).toBe('https://example.com');
          expect(url.pathname === '/redirect' || url.pathname.startsWith('/redirect/')).toBe(true);
          expect(candidate).not.toMatch(/[#\\]/);
          // `@` is fine in a path or query, never in the authority.
          expect(/^https?:\/\/([^/?]*)/i.exec(candidate)?.[1]).not.toContain('@');
          expect(candidate.split('?')[0]).not.toMatch(/%2e|\/\.\.?(\/|$)/i);
        },
      ),
      { numRuns: 500 },
    );
  });
});
