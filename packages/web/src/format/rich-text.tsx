import type { ComponentChildren } from 'preact';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/** Only absolute http(s) URLs become links: `javascript:`, `data:` and the like stay text. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, location.origin);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A message's text as nodes: everything is text (Preact escapes it), web addresses become
 * links that open in a new tab without giving it our window. Line breaks are kept by CSS.
 */
export function RichText({ text }: { text: string }) {
  const nodes: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    if (start > last) nodes.push(text.slice(last, start));
    const href = safeHref(match[0]);
    nodes.push(
      href ? (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow">
          {match[0]}
        </a>
      ) : (
        match[0]
      ),
    );
    last = start + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return <>{nodes}</>;
}
