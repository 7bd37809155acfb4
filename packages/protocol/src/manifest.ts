import { z } from 'zod';
import { EventType } from './event-types.js';
import { checkRedirectUrl } from './redirect-match.js';
import { Scope } from './scopes.js';

/**
 * The registered app manifest (PROTOCOL.md 3.1, seed 001): what `POST …/apps` and
 * `PUT …/apps/{appId}` accept. Field names and casing are Pumble's, so a Pumble app
 * registers unchanged. Optional fields accept `null` because Pumble documents `null`
 * as their default and tools send back what they were given.
 *
 * Unknown keys are dropped rather than refused: Pumble tools send fields we do not
 * model yet, and refusing them would break those apps for no safety gain.
 */

const MAX_URL_LENGTH = 2048;

function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || /[\p{C}\p{Z}]/u.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** An absolute http(s) URL the platform will POST to. */
export const HttpUrl = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .refine(isHttpUrl, 'must be an absolute http:// or https:// URL')
  .meta({ format: 'uri', pattern: '^[hH][tT][tT][pP][sS]?://' });

/** A redirect URL must also pass the checks candidates get, or it could never match one. */
export const RedirectUrl = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .superRefine((value, ctx) => {
    const checked = checkRedirectUrl(value);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.reason });
  })
  .meta({ format: 'uri', pattern: '^[hH][tT][tT][pP][sS]?://' });

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
// `regex` rather than `trim`: trimming would change names the app later receives back.
const requiredText = (max: number) => z.string().max(max, `must be at most ${max} characters`).regex(/\S/, 'must not be blank');

/**
 * Reports a duplicate of `key` among array items. Runs even when some items failed to
 * parse (`when`), so a manifest with a bad URL still hears about its duplicate command;
 * hence the defensive look at each item.
 */
function uniqueBy(key: string, what: string, normalise: (value: string) => string = (value) => value) {
  return [
    (items: unknown, ctx: z.RefinementCtx) => {
      if (!Array.isArray(items)) return;
      const seen = new Map<string, number>();
      items.forEach((item: unknown, index) => {
        const value = item && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined;
        if (typeof value !== 'string') return;
        const first = seen.get(normalise(value));
        if (first === undefined) seen.set(normalise(value), index);
        else ctx.addIssue({ code: 'custom', path: [index, key], message: `duplicate ${what} ${JSON.stringify(value)} (also at index ${first})` });
      });
    },
    { when: () => true },
  ] as const;
}

export const ShortcutType = z.enum(['GLOBAL', 'ON_MESSAGE']);
export type ShortcutType = z.infer<typeof ShortcutType>;

export const ManifestShortcut = z.object({
  shortcutType: ShortcutType,
  url: HttpUrl,
  name: requiredText(32).describe('Unique across the app; sent back in the SHORTCUT payload'),
  displayName: requiredText(80),
  description: text(1000).nullish(),
});
export type ManifestShortcut = z.infer<typeof ManifestShortcut>;

export const ManifestSlashCommand = z.object({
  command: z
    .string()
    .max(32, 'must be at most 32 characters')
    .regex(/^\/[^\s/]+$/, 'must start with "/" followed by a name without spaces or slashes'),
  url: HttpUrl,
  description: text(1000).nullish(),
  usageHint: text(55).nullish(),
});
export type ManifestSlashCommand = z.infer<typeof ManifestSlashCommand>;

export const ManifestScopes = z.object({
  botScopes: z.array(Scope).max(50),
  userScopes: z.array(Scope).max(50),
});
export type ManifestScopes = z.infer<typeof ManifestScopes>;

export const ManifestEventSubscriptions = z.object({
  url: HttpUrl,
  events: z.array(EventType).max(50),
});
export type ManifestEventSubscriptions = z.infer<typeof ManifestEventSubscriptions>;

export const ManifestDynamicMenu = z.object({
  url: HttpUrl,
  onAction: requiredText(255).describe('Unique across the app; names the menu in DYNAMIC_MENU payloads'),
});
export type ManifestDynamicMenu = z.infer<typeof ManifestDynamicMenu>;

const UrlHolder = z.object({ url: HttpUrl });

/** A path on the app's own host, as the Pumble SDK's Runner leaves `listingUrl` / `helpUrl`. */
const AppPath = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .regex(/^\/(?!\/)[^\s\\]*$/, 'must be an absolute http(s) URL or a path starting with "/"');

export const Manifest = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a slug: 1-64 letters, digits, "_" or "-", starting with a letter or digit')
    .describe('Identifier of the app'),
  displayName: requiredText(80).describe('Shown to people; also the bot name'),
  bot: z.boolean(),
  botTitle: text(1000).nullish(),
  socketMode: z.boolean().nullish(),
  scopes: ManifestScopes,
  // Command names are compared case-insensitively: a person typing `/Echo` must not
  // have to guess which of two apps' commands they meant.
  shortcuts: z
    .array(ManifestShortcut)
    .max(100)
    .superRefine(...uniqueBy('name', 'shortcut name')),
  slashCommands: z
    .array(ManifestSlashCommand)
    .max(100)
    .superRefine(...uniqueBy('command', 'slash command', (command) => command.toLowerCase())),
  eventSubscriptions: ManifestEventSubscriptions,
  blockInteraction: UrlHolder.nullish(),
  viewAction: UrlHolder.nullish(),
  dynamicMenus: z
    .array(ManifestDynamicMenu)
    .max(100)
    .superRefine(...uniqueBy('onAction', 'dynamic menu onAction'))
    .nullish(),
  // What a person sees on the app's home tab until the app publishes a view for them.
  defaultHomeView: z
    .object({
      enabled: z.boolean().optional(),
      title: z.object({ type: z.literal('plain_text'), text: text(150), emoji: z.boolean().optional() }).optional(),
      blocks: z.array(z.unknown()).max(100),
      state: z.unknown().optional(),
    })
    .nullish(),
  redirectUrls: z.array(RedirectUrl).max(50),
  // pumble-cli sends these as the app gave them, possibly relative to its host (`/listing`).
  helpUrl: z.union([HttpUrl, AppPath]).nullish(),
  listingUrl: z.union([HttpUrl, AppPath]).nullish(),
  avatarUrl: HttpUrl.nullish(),
  welcomeMessage: text(40_000).nullish(),
  offlineMessage: text(4000).nullish(),
});
export type Manifest = z.infer<typeof Manifest>;
export type ManifestInput = z.input<typeof Manifest>;

/** What `POST …/apps` and `GET …/apps/mine/{appId}` return: the manifest with its secrets. */
export const ManifestResponse = Manifest.extend({
  id: z.string(),
  clientSecret: z.string(),
  appKey: z.string(),
  signingSecret: z.string(),
  published: z.boolean(),
});
export type ManifestResponse = z.infer<typeof ManifestResponse>;

/**
 * One entry of `GET …/apps/mine`: the manifest without secrets. Because zod objects
 * drop unknown keys, serialising a full app record through this schema strips the secrets.
 */
export const AppSummary = Manifest.extend({ id: z.string(), published: z.boolean() });
export type AppSummary = z.infer<typeof AppSummary>;

/** `PUT …/apps/{appId}/secrets/rotate` response. */
export const RotatedSecrets = z.object({ appKey: z.string(), clientSecret: z.string(), signingSecret: z.string() });
export type RotatedSecrets = z.infer<typeof RotatedSecrets>;

export interface ManifestError {
  /** Where the problem is, e.g. `slashCommands[1].command`; `$` for the document itself. */
  path: string;
  message: string;
}

export type ManifestParseResult = { ok: true; manifest: Manifest } | { ok: false; errors: ManifestError[] };

/** Formats a zod issue path as a JSON path: `["slashCommands", 1, "command"]` → `slashCommands[1].command`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '$' : out;
}

// Messages that read well after a path (`name: is required`), instead of zod's
// "Invalid input: expected string, received undefined".
const manifestErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? 'is required' : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  }
  if (issue.code === 'invalid_value' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
  if (issue.code === 'too_big' && issue.origin === 'array') return `must have at most ${issue.maximum} items`;
  return undefined;
};

/**
 * Validates a manifest and reports every problem at once, each with its JSON path, so a
 * developer fixes their manifest in one round trip.
 * @example
 * const result = parseManifest(JSON.parse(body));
 * if (!result.ok) throw new SwitchboardError('invalid_manifest', 'The manifest is invalid.', { errors: result.errors });
 */
export function parseManifest(input: unknown): ManifestParseResult {
  const result = Manifest.safeParse(input, { error: manifestErrorMap });
  if (result.success) return { ok: true, manifest: result.data };
  const errors = result.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
  return { ok: false, errors };
}

/**
 * JSON Schema (draft 2020-12) of the manifest, generated from the zod schema so it cannot
 * drift; the platform serves it at `/schemas/manifest.json` for editors and CI checks.
 * Rules JSON Schema cannot state (uniqueness by key, URL parsing) are enforced only by
 * {@link parseManifest}.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Manifest, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return { ...schema, title: 'Switchboard app manifest', description: 'Registered app manifest (Pumble-compatible), PROTOCOL.md 3.1.' };
}
