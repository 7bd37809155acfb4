import { describe, expect, it } from 'vitest';
import { AppSummary, formatIssuePath, Manifest, ManifestResponse, manifestJsonSchema, parseManifest } from './manifest.js';

// Seed 001's example, verbatim except for its two JSON typos (a missing comma after
// "ON_MESSAGE" and a trailing comma after the shortcuts array).
const seedManifest = {
  name: 'my_app',
  displayName: 'My App',
  bot: true,
  botTitle: 'My App Bot Description',
  socketMode: false,
  scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read', 'messages:write'] },
  shortcuts: [
    {
      shortcutType: 'ON_MESSAGE',
      url: 'https://myapp.com/onmessage',
      name: 'message_shortcut',
      displayName: 'Message Shortcut',
      description: 'Message Shortcut Description',
    },
    {
      shortcutType: 'GLOBAL',
      url: 'https://myapp.com/global',
      name: 'global_shortcut',
      displayName: 'Global Shortcut',
      description: 'Global Shortcut Description',
    },
  ],
  slashCommands: [
    { command: '/my_slash_command', url: 'https://myapp.com/slash', description: 'Google Calendar commands', usageHint: '/my_slash_command [first][second]' },
  ],
  eventSubscriptions: { url: 'https://myapp.com/events', events: ['APP_UNAUTHORIZED', 'APP_UNINSTALLED', 'NEW_MESSAGE'] },
  redirectUrls: ['https://myapp.com/redirect'],
  helpUrl: 'https://myapp.com/help',
  listingUrl: 'https://myapp.com/install-on-pumble',
  welcomeMessage: 'Hello :wave:',
  offlineMessage: 'We are experiencing some issues at the moment. Please try again later',
};

type Json = Record<string, unknown>;
const clone = (): Json => structuredClone(seedManifest) as Json;
function errorsOf(input: unknown): { path: string; message: string }[] {
  const result = parseManifest(input);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}
const pathsOf = (input: unknown) => errorsOf(input).map((error) => error.path);

describe('parseManifest: valid manifests', () => {
  it('accepts the seed 001 example unchanged', () => {
    const result = parseManifest(seedManifest);
    expect(result).toEqual({ ok: true, manifest: seedManifest });
  });

  it('accepts the optional fields of PROTOCOL.md 3.1, with nulls where Pumble defaults to null', () => {
    const manifest = {
      ...clone(),
      blockInteraction: { url: 'https://myapp.com/block' },
      viewAction: { url: 'http://localhost:3000/view' },
      dynamicMenus: [{ url: 'https://myapp.com/menu', onAction: 'pick_project' }],
      defaultHomeView: { enabled: true, blocks: [] },
      helpUrl: null,
      listingUrl: null,
      avatarUrl: null,
      botTitle: null,
      welcomeMessage: null,
      offlineMessage: null,
    };
    expect(parseManifest(manifest).ok).toBe(true);
  });

  it('keeps what the Pumble SDK and pumble-cli send: a titled defaultHomeView, a listing path on the app host', () => {
    const manifest = {
      ...clone(),
      defaultHomeView: { title: { type: 'plain_text', text: 'Welcome' }, blocks: [{ type: 'divider' }], state: { values: {} } },
      listingUrl: '/listing',
      helpUrl: 'https://myapp.com/help',
    };
    expect(parseManifest(manifest)).toEqual({ ok: true, manifest });
    for (const listingUrl of ['//evil.example.com/x', 'listing', '/has space', 'javascript:alert(1)']) {
      expect(parseManifest({ ...clone(), listingUrl }).ok, listingUrl).toBe(false);
    }
    expect(parseManifest({ ...clone(), defaultHomeView: { blocks: 'nope' } }).ok).toBe(false);
  });

  it('accepts the minimum: only the required fields, empty lists', () => {
    const minimal = {
      name: 'Polls',
      displayName: 'Polls',
      bot: false,
      scopes: { botScopes: [], userScopes: [] },
      shortcuts: [],
      slashCommands: [],
      eventSubscriptions: { url: 'https://polls.test/hook', events: [] },
      redirectUrls: [],
    };
    expect(parseManifest(minimal).ok).toBe(true);
  });

  it('drops unknown keys instead of refusing them', () => {
    const result = parseManifest({ ...clone(), somethingNew: 1 });
    expect(result.ok && 'somethingNew' in result.manifest).toBe(false);
  });

  it('accepts every scope and every event', () => {
    const manifest = clone();
    manifest.scopes = { botScopes: [...Manifest.shape.scopes.shape.botScopes.element.options], userScopes: ['group:read'] };
    manifest.eventSubscriptions = { url: 'https://x.test/e', events: [...Manifest.shape.eventSubscriptions.shape.events.element.options] };
    expect(parseManifest(manifest).ok).toBe(true);
  });
});

describe('parseManifest: invalid manifests', () => {
  const cases: [string, (m: Json) => void, string[]][] = [
    ['missing name', (m) => delete m.name, ['name']],
    ['name not a slug', (m) => (m.name = 'my app'), ['name']],
    ['name starting with "-"', (m) => (m.name = '-app'), ['name']],
    ['blank displayName', (m) => (m.displayName = '  '), ['displayName']],
    ['bot not boolean', (m) => (m.bot = 'yes'), ['bot']],
    ['missing scopes', (m) => delete m.scopes, ['scopes']],
    ['unknown bot scope', (m) => (m.scopes = { botScopes: ['messages:read', 'messages:admin'], userScopes: [] }), ['scopes.botScopes[1]']],
    ['unknown user scope', (m) => (m.scopes = { botScopes: [], userScopes: ['bot:messages:read'] }), ['scopes.userScopes[0]']],
    ['missing userScopes', (m) => (m.scopes = { botScopes: [] }), ['scopes.userScopes']],
    ['missing shortcuts', (m) => delete m.shortcuts, ['shortcuts']],
    ['missing slashCommands', (m) => delete m.slashCommands, ['slashCommands']],
    ['missing eventSubscriptions', (m) => delete m.eventSubscriptions, ['eventSubscriptions']],
    ['missing redirectUrls', (m) => delete m.redirectUrls, ['redirectUrls']],
    ['unknown event', (m) => (m.eventSubscriptions = { url: 'https://x.test/e', events: ['NEW_MESSAGE', 'MESSAGE_POSTED'] }), ['eventSubscriptions.events[1]']],
    ['event in object form', (m) => (m.eventSubscriptions = { url: 'https://x.test/e', events: [{ name: 'NEW_MESSAGE' }] }), ['eventSubscriptions.events[0]']],
    ['relative event url', (m) => (m.eventSubscriptions = { url: '/hook', events: [] }), ['eventSubscriptions.url']],
    ['command without slash', (m) => ((m.slashCommands as Json[])[0]!.command = 'echo'), ['slashCommands[0].command']],
    ['command with a space', (m) => ((m.slashCommands as Json[])[0]!.command = '/echo me'), ['slashCommands[0].command']],
    ['command of 33 chars', (m) => ((m.slashCommands as Json[])[0]!.command = `/${'a'.repeat(32)}`), ['slashCommands[0].command']],
    ['usageHint of 56 chars', (m) => ((m.slashCommands as Json[])[0]!.usageHint = 'u'.repeat(56)), ['slashCommands[0].usageHint']],
    ['ftp command url', (m) => ((m.slashCommands as Json[])[0]!.url = 'ftp://myapp.com/slash'), ['slashCommands[0].url']],
    ['shortcut name of 33 chars', (m) => ((m.shortcuts as Json[])[1]!.name = 'n'.repeat(33)), ['shortcuts[1].name']],
    ['unknown shortcut type', (m) => ((m.shortcuts as Json[])[0]!.shortcutType = 'ON_CHANNEL'), ['shortcuts[0].shortcutType']],
    ['shortcut without url', (m) => delete (m.shortcuts as Json[])[0]!.url, ['shortcuts[0].url']],
    ['duplicate shortcut name', (m) => ((m.shortcuts as Json[])[1]!.name = 'message_shortcut'), ['shortcuts[1].name']],
    [
      'duplicate command, any case',
      (m) => (m.slashCommands as Json[]).push({ command: '/MY_SLASH_COMMAND', url: 'https://myapp.com/slash2' }),
      ['slashCommands[1].command'],
    ],
    [
      'duplicate dynamic menu',
      (m) =>
        (m.dynamicMenus = [
          { url: 'https://x.test/m', onAction: 'a' },
          { url: 'https://x.test/m', onAction: 'a' },
        ]),
      ['dynamicMenus[1].onAction'],
    ],
    ['redirect url with fragment', (m) => (m.redirectUrls = ['https://myapp.com/redirect#x']), ['redirectUrls[0]']],
    ['redirect url with dot segment', (m) => (m.redirectUrls = ['https://myapp.com/a/../redirect']), ['redirectUrls[0]']],
    ['redirect url not http', (m) => (m.redirectUrls = ['myapp://redirect']), ['redirectUrls[0]']],
    ['helpUrl javascript:', (m) => (m.helpUrl = 'javascript:alert(1)'), ['helpUrl']],
    ['avatarUrl relative', (m) => (m.avatarUrl = 'avatar.png'), ['avatarUrl']],
    ['blockInteraction without url', (m) => (m.blockInteraction = {}), ['blockInteraction.url']],
    ['viewAction url with spaces', (m) => (m.viewAction = { url: 'https://x.test/a b' }), ['viewAction.url']],
    ['dynamic menu without onAction', (m) => (m.dynamicMenus = [{ url: 'https://x.test/m' }]), ['dynamicMenus[0].onAction']],
    ['socketMode not boolean', (m) => (m.socketMode = 'false'), ['socketMode']],
  ];

  it.each(cases)('%s', (_name, mutate, paths) => {
    const manifest = clone();
    mutate(manifest);
    expect(pathsOf(manifest)).toEqual(paths);
  });

  it('refuses a document that is not an object', () => {
    expect(errorsOf(null)).toEqual([{ path: '$', message: 'must be an object' }]);
    expect(pathsOf([])).toEqual(['$']);
  });

  it('reports every problem at once, each with its path', () => {
    const manifest = clone();
    manifest.name = 'bad name';
    delete manifest.displayName;
    (manifest.scopes as Json).botScopes = ['nope'];
    (manifest.shortcuts as Json[])[0]!.name = 'x'.repeat(40);
    manifest.slashCommands = [
      { command: '/echo', url: 'https://x.test/a' },
      { command: 'echo', url: 'mailto:a@b.c' },
      { command: '/Echo', url: 'https://x.test/b', usageHint: 'h'.repeat(60) },
      42,
    ];
    manifest.eventSubscriptions = { url: 'https://x.test/e', events: ['NEW_MESSAGE', 'NOPE'] };
    manifest.redirectUrls = ['https://x.test/cb', 'https://user@x.test/cb'];
    const errors = errorsOf(manifest);
    expect(errors.map((error) => error.path).sort()).toEqual(
      [
        'name',
        'displayName',
        'scopes.botScopes[0]',
        'shortcuts[0].name',
        'slashCommands[1].command',
        'slashCommands[1].url',
        'slashCommands[2].usageHint',
        'slashCommands[2].command',
        'slashCommands[3]',
        'eventSubscriptions.events[1]',
        'redirectUrls[1]',
      ].sort(),
    );
    const byPath = Object.fromEntries(errors.map((error) => [error.path, error.message]));
    expect(byPath.displayName).toBe('is required');
    expect(byPath['scopes.botScopes[0]']).toBe('unknown scope "nope"');
    expect(byPath['eventSubscriptions.events[1]']).toBe('unknown event "NOPE"');
    expect(byPath['slashCommands[2].command']).toMatch(/duplicate slash command "\/Echo"/);
    expect(byPath['slashCommands[3]']).toBe('must be an object');
    expect(byPath['redirectUrls[1]']).toBe('must not contain user information');
  });
});

describe('formatIssuePath', () => {
  it('writes JSON paths', () => {
    expect(formatIssuePath(['slashCommands', 1, 'command'])).toBe('slashCommands[1].command');
    expect(formatIssuePath([])).toBe('$');
    expect(formatIssuePath(['a b', 0])).toBe('["a b"][0]');
  });
});

describe('response schemas', () => {
  const secrets = { id: 'app1', clientSecret: 'cs', appKey: 'ak', signingSecret: 'ss', published: false };

  it('ManifestResponse carries the secrets', () => {
    expect(ManifestResponse.parse({ ...seedManifest, ...secrets })).toMatchObject(secrets);
    expect(ManifestResponse.safeParse(seedManifest).success).toBe(false);
  });

  it('AppSummary strips the secrets', () => {
    const summary = AppSummary.parse({ ...seedManifest, ...secrets });
    expect(summary).toMatchObject({ id: 'app1', name: 'my_app', displayName: 'My App', published: false });
    expect(Object.keys(summary)).not.toEqual(expect.arrayContaining(['clientSecret']));
    expect(JSON.stringify(summary)).not.toMatch(/clientSecret|appKey|signingSecret/);
  });
});

describe('manifestJsonSchema', () => {
  const schema = manifestJsonSchema();

  it('is JSON that survives a round trip', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('declares a draft, the properties and the required fields', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    const properties = schema.properties as Record<string, Json>;
    for (const key of ['name', 'displayName', 'bot', 'botTitle', 'socketMode', 'scopes', 'shortcuts', 'slashCommands', 'eventSubscriptions']) {
      expect(properties).toHaveProperty(key);
    }
    for (const key of [
      'blockInteraction',
      'viewAction',
      'dynamicMenus',
      'redirectUrls',
      'helpUrl',
      'listingUrl',
      'avatarUrl',
      'welcomeMessage',
      'offlineMessage',
    ]) {
      expect(properties).toHaveProperty(key);
    }
    expect(new Set(schema.required as string[])).toEqual(
      new Set(['name', 'displayName', 'bot', 'scopes', 'shortcuts', 'slashCommands', 'eventSubscriptions', 'redirectUrls']),
    );
  });

  it('carries the limits and enums', () => {
    const text = JSON.stringify(schema);
    expect(text).toContain('"maxLength":32');
    expect(text).toContain('"maxLength":55');
    expect(text).toContain('"messages:read"');
    expect(text).toContain('"APP_UNAUTHORIZED"');
    expect(text).toContain('"ON_MESSAGE"');
  });
});
