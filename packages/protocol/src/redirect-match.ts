/**
 * OAuth redirect URL matching (PROTOCOL.md 4.1, seed 000, hardened per the Apps issue).
 *
 * Pumble's rule is a prefix match: a registered `https://x/redirect` accepts
 * `https://x/redirect/other`. A naive `startsWith` turns that into an open redirect
 * (`/redirect-evil`, `/redirect/../evil`, `https://x.evil.com`), so matching works on
 * WHATWG-parsed URLs and on whole path segments, and refuses any candidate whose raw
 * text could be read differently by the browser, a proxy or the app's own router.
 */

export type RedirectMatchMode = 'prefix' | 'exact';

export type RedirectUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Longer URLs have no legitimate use here and make every later check more expensive. */
export const MAX_REDIRECT_URL_LENGTH = 2048;

// Controls, zero-width and bidi format characters, every kind of whitespace: WHATWG
// silently strips tabs and newlines and trims spaces, so what the person sees in the
// consent page would not be what the browser follows.
const INVISIBLE_OR_SPACE = /[\p{C}\p{Z}]/u;
// Scheme, then `//`, then the raw authority (up to the first `/`, `?` or `#`), then the rest.
// Requiring exactly `//` refuses `https:example.com` and `https:///example.com`, which
// WHATWG repairs into something the registering developer never wrote.
const RAW_SHAPE = /^(https?):\/\/([^/?#]+)(.*)$/i;
// Encoded `.`, `/`, `\` survive WHATWG normalisation and get decoded later by some
// servers (`/redirect/%2e%2e/evil`). `%25` is refused too because a second decoding
// turns `%252e` into `%2e`; encoded control characters have no use in a path.
const ENCODED_TRICK = /%(?:2e|2f|5c|25|[01][0-9a-f]|7f)/i;

/**
 * Checks that a raw string is a redirect URL we are willing to compare at all: absolute
 * http(s), no userinfo, no fragment, no backslash, no invisible characters, no encoded
 * separators and no dot or empty segments in its path. Used for registered URLs and
 * candidates alike, so a registered URL that fails can never match.
 */
export function checkRedirectUrl(raw: string): RedirectUrlCheck {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, reason: 'is empty' };
  if (raw.length > MAX_REDIRECT_URL_LENGTH) return { ok: false, reason: `is longer than ${MAX_REDIRECT_URL_LENGTH} characters` };
  if (INVISIBLE_OR_SPACE.test(raw)) return { ok: false, reason: 'contains whitespace or control characters' };
  if (raw.includes('\\')) return { ok: false, reason: 'contains a backslash' };
  // Any `#` starts a fragment; even an empty one is refused because the code is appended to the URL.
  if (raw.includes('#')) return { ok: false, reason: 'contains a fragment' };
  const shape = RAW_SHAPE.exec(raw);
  if (!shape) return { ok: false, reason: 'must be an absolute http:// or https:// URL' };
  const authority = shape[2]!;
  if (authority.includes('@')) return { ok: false, reason: 'must not contain user information' };
  if (authority.includes('%')) return { ok: false, reason: 'must not percent-encode the host' };
  const rest = shape[3]!;
  const queryAt = rest.indexOf('?');
  const rawPath = queryAt === -1 ? rest : rest.slice(0, queryAt);
  if (ENCODED_TRICK.test(rawPath)) return { ok: false, reason: 'must not percent-encode ".", "/", "\\", "%" or control characters in its path' };
  const pathProblem = rawPathProblem(rawPath);
  if (pathProblem) return { ok: false, reason: pathProblem };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'must use http or https' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not contain user information' };
  return { ok: true, url };
}

// Dot segments must be refused on the raw text: WHATWG resolves them away before we
// could see them, and `/redirect/../evil` would then look like `/evil` only to us.
function rawPathProblem(rawPath: string): string | undefined {
  const segments = rawPath.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    // An empty segment is only allowed last (a trailing slash); `//` confuses routers
    // that collapse slashes and helps protocol-relative tricks.
    if (segment === '' && i !== segments.length - 1) return 'must not contain empty path segments ("//")';
    // Tomcat-style path parameters make `..;x` a dot segment too.
    const name = segment.split(';')[0];
    if (name === '.' || name === '..') return 'must not contain "." or ".." path segments';
  }
  return undefined;
}

function sameOrigin(a: URL, b: URL): boolean {
  // WHATWG already lowercased the scheme and host, converted IDNs to punycode and
  // dropped default ports, so plain equality is the normalised comparison.
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port;
}

/** Whole-segment prefix: `/redirect` matches `/redirect` and `/redirect/…`, never `/redirect-evil`. */
function pathMatches(registeredPath: string, candidatePath: string): boolean {
  if (candidatePath === registeredPath) return true;
  const base = registeredPath.endsWith('/') ? registeredPath : `${registeredPath}/`;
  return candidatePath.startsWith(base);
}

/**
 * Whether `candidate` may receive an authorization code for an app that registered
 * `registered`.
 *
 * - `prefix` (default, Pumble's rule): same scheme, host and port, and the candidate's
 *   path equals a registered path or continues it after a `/`. The candidate may carry
 *   a query; a registered URL's own query is ignored in this mode.
 * - `exact`: the candidate equals a registered URL after WHATWG normalisation, query included.
 *
 * Every candidate must pass {@link checkRedirectUrl} first. Loopback hosts get no
 * special treatment: `http://localhost:3000/cb` matches only that port.
 * @example matchRedirectUrl(['https://example.com/redirect'], 'https://example.com/redirect/other') // true
 */
export function matchRedirectUrl(registered: readonly string[], candidate: string, mode: RedirectMatchMode = 'prefix'): boolean {
  const checked = checkRedirectUrl(candidate);
  if (!checked.ok) return false;
  const url = checked.url;
  for (const entry of registered) {
    const reg = checkRedirectUrl(entry);
    if (!reg.ok) continue;
    if (mode === 'exact') {
      if (reg.url.href === url.href) return true;
    } else if (sameOrigin(reg.url, url) && pathMatches(reg.url.pathname, url.pathname)) {
      return true;
    }
  }
  return false;
}
