import { describe, expect, it } from 'vitest';
import { actionTypeOf, findElement, interactiveElements, offeredValues } from './interactive-elements.js';

const blocks = [
  { type: 'section', text: 'hi', accessory: { type: 'button', onAction: 'acc', value: 'a' } },
  {
    type: 'actions',
    blockId: 'b1',
    elements: [
      { type: 'button', onAction: 'go', value: 'prod' },
      { type: 'static_select_menu', onAction: 'env', options: [{ value: 'x' }, { label: 'g', options: [{ value: 'y' }] }] },
    ],
  },
  { type: 'input', blockId: 'b2', element: { type: 'plain_text_input', onAction: 'go' } },
  'not a block',
];

describe('interactive elements of stored blocks', () => {
  it('finds every element with type and onAction, under its top-level blockId', () => {
    expect(interactiveElements(blocks).map((e) => [e.blockId, e.onAction, e.type])).toEqual(
      expect.arrayContaining([
        [undefined, 'acc', 'button'],
        ['b1', 'go', 'button'],
        ['b1', 'env', 'static_select_menu'],
        ['b2', 'go', 'plain_text_input'],
      ]),
    );
    expect(interactiveElements(blocks)).toHaveLength(4);
  });

  it('tells same-named elements apart by blockId, and maps the type to actionType', () => {
    const input = findElement(blocks, 'go', 'b2');
    expect(input?.type).toBe('plain_text_input');
    expect(input && actionTypeOf(input)).toBe('PLAIN_TEXT_INPUT');
    expect(findElement(blocks, 'go', 'b3')).toBeUndefined();
    expect(findElement(blocks, 'missing')).toBeUndefined();
  });

  it('collects the values a select offers, option groups included; free input offers none', () => {
    const select = findElement(blocks, 'env');
    expect(select && [...(offeredValues(select) ?? [])]).toEqual(['x', 'y']);
    const input = findElement(blocks, 'go', 'b2');
    expect(input && offeredValues(input)).toBeUndefined();
  });

  it('survives hostile nesting without overflowing the stack', () => {
    let deep: Record<string, unknown> = { type: 'button', onAction: 'deep' };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    expect(interactiveElements([deep])).toEqual([]);
  });
});
