const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => entities[c]);
}

/** A complete page in the platform's plain style; `body` must already be escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Switchboard</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1d1f23;margin:0}
main{max-width:460px;margin:48px auto;background:#fff;border-radius:10px;padding:28px 32px;box-shadow:0 1px 4px #0002}
h1{font-size:20px;margin:0 0 12px} .app{display:flex;gap:12px;align-items:center} .app img{width:48px;height:48px;border-radius:8px}
ul{padding-left:20px} label{display:block;margin:12px 0 4px;font-weight:600} input,select{width:100%;padding:8px;box-sizing:border-box}
.actions{display:flex;gap:12px;margin-top:20px} button{padding:9px 18px;border-radius:6px;border:1px solid #999;background:#fff;cursor:pointer}
button.primary{background:#2463eb;color:#fff;border-color:#2463eb} .error{color:#b42318}
</style></head><body><main>${body}</main></body></html>`;
}

/** Only same-origin relative paths may be redirected to after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : '/';
}
