import { webBuild } from './web-build.js';

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => entities[c]);
}

/**
 * A complete server-rendered page (sign-in, consent) in the chat page's look: it links the
 * page's own stylesheet, so no inline style or script is needed under the CSP. `body` must
 * already be escaped.
 */
export function page(title: string, body: string): string {
  const build = webBuild();
  const styles = build.ok ? build.stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('') : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Switchboard</title>${styles}</head>
<body class="page"><header class="page-brand"><span class="logo" aria-hidden="true">S</span>Switchboard</header><main class="page-card">${body}</main></body></html>`;
}

/** Only same-origin relative paths may be redirected to after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : '/';
}
