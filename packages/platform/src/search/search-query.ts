/** Words of a search text, as both full-text indexes split them (letters and digits; at most 20). */
export function searchTerms(text: string | undefined): string[] {
  return (text?.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 20);
}

/** FTS5: every word, as a prefix, must occur (`"deploy"* "prod"*`); quoting keeps FTS5 operators out. */
export const fts5Query = (terms: readonly string[]) => terms.map((term) => `"${term}"*`).join(' ');

/** PostgreSQL tsquery: the same, `deploy:* & prod:*` (terms hold letters and digits only). */
export const tsQuery = (terms: readonly string[]) => terms.map((term) => `${term}:*`).join(' & ');

const DAY = 86_400_000;

/** The deprecated `before`/`after` days (UTC) as epoch-ms bounds: before a day's start, after its end. */
export function dayBounds(request: { before?: string; after?: string }): { before?: number; after?: number } {
  const start = (day: string) => Date.parse(`${day}T00:00:00Z`);
  return {
    ...(request.before ? { before: start(request.before) } : {}),
    ...(request.after ? { after: start(request.after) + DAY - 1 } : {}),
  };
}
