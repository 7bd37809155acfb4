/** One text run of a Pumble rich-text section; `bold` marks a word the search matched. */
type TextRun = { type: 'text'; text: string; style?: { bold: true } };

export interface HighlightBlock {
  type: 'rich_text';
  elements: { type: 'rich_text_section'; elements: TextRun[] }[];
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower case without diacritics, as SQLite's index compares words (`cafe` finds "Café"). */
const fold = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Pumble's `highlightedBlocks` for a found message: its text as one rich-text section, with every
 * word that a search term begins (the indexes match words by prefix, ignoring case and diacritics) in bold.
 * Undefined when there is no text or no term.
 * @example highlightBlocks('Rocket launch', ['rock']) // [{ type: 'rich_text', elements: [{ …, elements: [{ text: 'Rocket', style: { bold: true } }, { text: ' launch' }] }] }]
 */
export function highlightBlocks(text: string | undefined, terms: readonly string[]): HighlightBlock[] | undefined {
  if (!text || terms.length === 0) return undefined;
  const folded = terms.map(fold);
  const runs: TextRun[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(WORD)) {
    const word = fold(match[0]);
    if (!folded.some((term) => word.startsWith(term))) continue;
    if (match.index > plainFrom) runs.push({ type: 'text', text: text.slice(plainFrom, match.index) });
    runs.push({ type: 'text', text: match[0], style: { bold: true } });
    plainFrom = match.index + match[0].length;
  }
  if (plainFrom < text.length) runs.push({ type: 'text', text: text.slice(plainFrom) });
  return [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: runs }] }];
}
