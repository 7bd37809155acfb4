import { paint } from '../api/output.js';
import { describeChange, type ManifestChange } from '../manifest/diff.js';
import type { TapEntry } from './delivery-tap.js';

/** The dev loop's own lines, prefixed so they stand apart from the app's output. */
export function say(text: string): void {
  process.stdout.write(`${paint('cyan', 'dev')} ${text}\n`);
}

const clock = () => new Date().toTimeString().slice(0, 8);

/** `12:03:04 ← SLASH_COMMAND /echo hi  200  14 ms` */
export function printDelivery(entry: TapEntry): void {
  const ok = entry.status !== undefined && entry.status >= 200 && entry.status < 300;
  const status = entry.status === undefined ? '---' : String(entry.status);
  const latency = `${entry.latencyMs < 10 ? entry.latencyMs.toFixed(1) : Math.round(entry.latencyMs)} ms`;
  const retry = entry.retry ? paint('yellow', ` retry ${entry.retry}`) : '';
  const error = entry.error ? `  ${paint('red', entry.error)}` : '';
  say(`${paint('gray', clock())} ← ${entry.kind.padEnd(34)} ${paint(ok ? 'green' : 'red', status)} ${paint('gray', latency.padStart(8))}${retry}${error}`);
}

export function printChanges(changes: readonly ManifestChange[]): void {
  for (const change of changes) {
    const style = change.action === 'added' ? 'green' : change.action === 'removed' ? 'red' : 'yellow';
    say(`  ${paint(style, describeChange(change))}`);
  }
}
