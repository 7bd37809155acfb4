import type { FastifyReply } from 'fastify';

/**
 * The Content-Security-Policy of every HTML page: scripts and styles only from our own files
 * (no inline script, so an injected `<script>` or `onerror=` never runs), no framing by other
 * sites, forms only to ourselves and `formTargets` (the consent form redirects to the app).
 */
export function contentSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers for an HTML page: CSP, no framing, no sniffing, no referrer leaking paths to other sites. */
export function secureHtml(reply: FastifyReply, formTargets?: readonly string[]): FastifyReply {
  return reply
    .header('content-security-policy', contentSecurityPolicy(formTargets))
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
}
