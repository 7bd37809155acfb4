type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Brings a manifest written for pumble-cli to the registered form, as pumble-cli's sync does:
 * relative URLs (`/hook`) resolved against `host`, and events given as objects (`{name}`, the
 * Pumble SDK's emitted form) reduced to their names. Absolute URLs are left alone.
 */
export function resolveManifestUrls(input: unknown, host: string | undefined): unknown {
  if (!isObject(input)) return input;
  const absolute = (value: unknown) => (host && typeof value === 'string' && value.startsWith('/') ? new URL(value, host).toString() : value);
  const withUrl = (entry: unknown) => (isObject(entry) ? { ...entry, url: absolute(entry.url) } : entry);
  const list = (value: unknown) => (Array.isArray(value) ? value.map(withUrl) : value);
  const out: Json = { ...input };
  out.slashCommands = list(input.slashCommands);
  out.shortcuts = list(input.shortcuts);
  out.dynamicMenus = list(input.dynamicMenus);
  if (isObject(input.blockInteraction)) out.blockInteraction = withUrl(input.blockInteraction);
  if (isObject(input.viewAction)) out.viewAction = withUrl(input.viewAction);
  if (Array.isArray(input.redirectUrls)) out.redirectUrls = input.redirectUrls.map(absolute);
  if (isObject(input.eventSubscriptions)) {
    const events = input.eventSubscriptions.events;
    out.eventSubscriptions = {
      ...input.eventSubscriptions,
      url: absolute(input.eventSubscriptions.url),
      events: Array.isArray(events) ? events.map((event) => (isObject(event) && typeof event.name === 'string' ? event.name : event)) : events,
    };
  }
  for (const key of ['slashCommands', 'shortcuts', 'dynamicMenus'] as const) if (input[key] === undefined) delete out[key];
  return out;
}
