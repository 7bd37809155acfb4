import type { IncomingHttpHeaders } from 'node:http';

/**
 * The smallest view of an incoming request that verification needs. Every receiver
 * (node:http, express, serverless, relay) can produce it without copying the body twice:
 * a Fetch `Headers` object or node's `IncomingHttpHeaders` both fit.
 */
export type HeaderBag = HeaderLookup | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Anything with a case-insensitive `get`, like a Fetch `Headers`. */
export interface HeaderLookup {
  get(name: string): string | null | undefined;
}

export interface RequestView {
  headers: HeaderBag;
  /** The body exactly as received; signatures are computed over these bytes, never a re-serialisation. */
  rawBody: Uint8Array;
}

/**
 * Reads one header case-insensitively. Of a repeated header only the first value is used:
 * a signature header sent twice is never legitimate, and one value keeps the checks simple.
 * @example headerValue(request.headers, 'x-pumble-request-signature')
 */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  // Duck-typed, not instanceof: undici's own Headers class is not the global one.
  if (typeof (headers as HeaderLookup).get === 'function') return (headers as HeaderLookup).get(name) ?? undefined;
  const bag = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const lower = name.toLowerCase();
  let value = bag[lower];
  if (value === undefined) {
    // Plain objects built by hand may keep the sender's casing; node lowercases for us.
    const key = Object.keys(bag).find((k) => k.toLowerCase() === lower);
    value = key === undefined ? undefined : bag[key];
  }
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * node's `IncomingHttpHeaders` as a {@link HeaderLookup}. node lowercases every name, so a lookup
 * is one property read, where the plain-object path of {@link headerValue} must scan the keys for
 * a header that is absent (hand-built objects may keep the sender's casing).
 * @example verify({ headers: new NodeHeaders(req.headers), rawBody })
 */
export class NodeHeaders implements HeaderLookup {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | undefined {
    const value = this.raw[name.toLowerCase()];
    return typeof value === 'string' ? value : value?.[0];
  }
}
