import type { Manifest } from '@switchboard/protocol';

export interface ManifestChange {
  /** JSON path of the field, list entries named by their key: `slashCommands[/echo].url`. */
  path: string;
  action: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** Lists whose entries are matched by a key rather than position (moving one is not a change). */
const KEYED_LISTS: Record<string, string> = { slashCommands: 'command', shortcuts: 'name', dynamicMenus: 'onAction' };
/** Lists whose order means nothing. */
const SET_LISTS = new Set(['scopes.botScopes', 'scopes.userScopes', 'eventSubscriptions.events', 'redirectUrls']);

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent, null and (for lists) empty all mean "not set" in a manifest. */
function isUnset(value: Json): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function diffValue(path: string, before: Json, after: Json, out: ManifestChange[]): void {
  if (isUnset(before) && isUnset(after)) return;
  if (isUnset(before)) out.push({ path, action: 'added', after });
  else if (isUnset(after)) out.push({ path, action: 'removed', before });
  else if (KEYED_LISTS[path] && Array.isArray(before) && Array.isArray(after)) diffKeyed(path, KEYED_LISTS[path], before, after, out);
  else if (SET_LISTS.has(path) && Array.isArray(before) && Array.isArray(after)) diffSet(path, before, after, out);
  else if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) diffValue(join(path, key), before[key], after[key], out);
  } else if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, action: 'changed', before, after });
}

function diffKeyed(path: string, key: string, before: Json[], after: Json[], out: ManifestChange[]): void {
  const keyOf = (entry: Json) => (isObject(entry) ? String(entry[key]) : JSON.stringify(entry));
  const old = new Map(before.map((entry) => [keyOf(entry), entry]));
  const next = new Map(after.map((entry) => [keyOf(entry), entry]));
  for (const [name, entry] of old) {
    const entryPath = `${path}[${name}]`;
    if (!next.has(name)) out.push({ path: entryPath, action: 'removed', before: entry });
    else diffValue(entryPath, entry, next.get(name), out);
  }
  for (const [name, entry] of next) if (!old.has(name)) out.push({ path: `${path}[${name}]`, action: 'added', after: entry });
}

function diffSet(path: string, before: Json[], after: Json[], out: ManifestChange[]): void {
  const old = new Set(before.map(String));
  const next = new Set(after.map(String));
  for (const value of old) if (!next.has(value)) out.push({ path, action: 'removed', before: value });
  for (const value of next) if (!old.has(value)) out.push({ path, action: 'added', after: value });
}

/** What changes when `after` replaces `before`, field by field. */
export function diffManifests(before: Manifest, after: Manifest): ManifestChange[] {
  const changes: ManifestChange[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof Manifest>;
  for (const key of keys) diffValue(key, before[key], after[key], changes);
  return changes;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One line per change: `+ slashCommands[/ping]`, `~ displayName: "A" → "B"`. */
export function describeChange(change: ManifestChange): string {
  if (change.action === 'added') return `+ ${change.path}${typeof change.after === 'object' ? '' : `: ${show(change.after)}`}`;
  if (change.action === 'removed') return `- ${change.path}${typeof change.before === 'object' ? '' : `: ${show(change.before)}`}`;
  return `~ ${change.path}: ${show(change.before)} → ${show(change.after)}`;
}
