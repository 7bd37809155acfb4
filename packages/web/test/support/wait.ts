import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

const TIMEOUT = 10_000;

/** Waits until the locator shows (Playwright's own wait, so a failure names what was missing). */
export async function shown(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: TIMEOUT });
}

export async function count(locator: Locator, n: number): Promise<void> {
  await expect.poll(() => locator.count(), { timeout: TIMEOUT }).toBe(n);
}

export async function value(locator: Locator, expected: string | RegExp): Promise<void> {
  await expect.poll(() => locator.inputValue(), { timeout: TIMEOUT }).toMatch(expected);
}

export async function containsText(locator: Locator, text: string): Promise<void> {
  await expect.poll(async () => (await locator.textContent()) ?? '', { timeout: TIMEOUT }).toContain(text);
}
