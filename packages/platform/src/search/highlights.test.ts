import { describe, expect, it } from 'vitest';
import { highlightBlocks } from './highlights.js';
import { searchTerms } from './search-query.js';

const runs = (text: string, query: string) => highlightBlocks(text, searchTerms(query))?.[0].elements[0].elements;

describe('highlightBlocks', () => {
  it('bolds every word a term begins, case-insensitively, keeping the text between as it is', () => {
    expect(runs('Rocket rocketry, ROCKS & rolls', 'rock')).toEqual([
      { type: 'text', text: 'Rocket', style: { bold: true } },
      { type: 'text', text: ' ' },
      { type: 'text', text: 'rocketry', style: { bold: true } },
      { type: 'text', text: ', ' },
      { type: 'text', text: 'ROCKS', style: { bold: true } },
      { type: 'text', text: ' & rolls' },
    ]);
  });

  it('matches letters beyond ASCII and digits, and not the middle of a word', () => {
    expect(runs('Čaj u 5 — 2025. ključ', 'čaj 202 ljuč')).toEqual([
      { type: 'text', text: 'Čaj', style: { bold: true } },
      { type: 'text', text: ' u 5 — ' },
      { type: 'text', text: '2025', style: { bold: true } },
      { type: 'text', text: '. ključ' },
    ]);
  });

  it('ignores diacritics as the index does', () => {
    expect(runs('Café au lait', 'cafe')).toEqual([
      { type: 'text', text: 'Café', style: { bold: true } },
      { type: 'text', text: ' au lait' },
    ]);
  });

  it('gives nothing without text or terms, and the plain text when no word matches', () => {
    expect(highlightBlocks('', ['a'])).toBeUndefined();
    expect(highlightBlocks('text', [])).toBeUndefined();
    expect(runs('nothing here', 'zzz')).toEqual([{ type: 'text', text: 'nothing here' }]);
  });
});
