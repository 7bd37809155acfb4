/**
 * Finds the interactive elements (buttons, selects, inputs…) in stored blocks. Blocks are
 * opaque to the platform (protocol/views.ts); an element is any object with a string `type`
 * and a string `onAction`, and it belongs to the top-level block whose `blockId` encloses it.
 */
export interface InteractiveElement {
  /** The enclosing top-level block's id, when it has one (view state is keyed by it). */
  blockId: string | undefined;
  onAction: string;
  type: string;
  element: Record<string, unknown>;
}

/** Blocks are stored at most this deep (chat/messages); deeper objects are not walked. */
const MAX_DEPTH = 32;

export function interactiveElements(blocks: readonly unknown[]): InteractiveElement[] {
  const found: InteractiveElement[] = [];
  for (const block of blocks) {
    if (!isObject(block)) continue;
    const blockId = typeof block.blockId === 'string' ? block.blockId : undefined;
    // Iterative: hostile nesting must not overflow the stack.
    const stack: [unknown, number][] = [[block, 0]];
    while (stack.length > 0) {
      const [value, depth] = stack.pop() as [unknown, number];
      if (depth > MAX_DEPTH || value === null || typeof value !== 'object') continue;
      if (isObject(value) && typeof value.onAction === 'string' && typeof value.type === 'string') {
        found.push({ blockId, onAction: value.onAction, type: value.type, element: value });
      }
      for (const child of Object.values(value)) stack.push([child, depth + 1]);
    }
  }
  return found;
}

/** The element a person acted on; with `blockId`, only in that block. */
export function findElement(blocks: readonly unknown[], onAction: string, blockId?: string): InteractiveElement | undefined {
  return interactiveElements(blocks).find((e) => e.onAction === onAction && (blockId === undefined || e.blockId === blockId));
}

/** BUTTON, STATIC_SELECT_MENU, …: the element type as BLOCK_INTERACTION's `actionType` names it. */
export function actionTypeOf(element: InteractiveElement): string {
  return element.type.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** The values a select offers (`options[].value`, option groups included), or undefined for free input. */
export function offeredValues(element: InteractiveElement): Set<string> | undefined {
  const options = element.element.options;
  if (!Array.isArray(options)) return undefined;
  const values = new Set<string>();
  for (const option of options) {
    if (!isObject(option)) continue;
    if (typeof option.value === 'string') values.add(option.value);
    if (Array.isArray(option.options)) for (const inner of option.options) if (isObject(inner) && typeof inner.value === 'string') values.add(inner.value);
  }
  return values;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
