import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestInput, Message } from '@switchboard/protocol';
import type { App } from '../app/app.js';
import type { CredentialsStore, OAuth2AccessTokenResponse } from '../stores/credentials-store.js';
import { JsonFileTokenStore } from '../stores/json-file-token-store.js';
import { MessageLog, Person, type SeenMessage } from './person.js';
import { type InProcessPlatform, startInProcessPlatform } from './platform-loader.js';

/** Password of the demo people (alice@example.com, bob@example.com) in the kit's platform. */
export const TEST_KIT_PASSWORD = 'test-kit-password-1';

const DEMO_PEOPLE: Record<string, string> = { alice: 'alice@example.com', bob: 'bob@example.com' };

/** What the app under test needs from its registration; spread it into `createApp`. */
export interface TestAppOptions {
  manifest: ManifestInput;
  signingSecret: string;
  appKey: string;
  apiBaseUrl: string;
  tokenStore: CredentialsStore;
}

/** The registration's ids, for what does not go into `createApp` (e.g. a `SocketReceiver`'s `appId`). */
export interface TestAppRegistration {
  appId: string;
  clientSecret: string;
}

export interface TestKitOptions {
  /** The app's manifest. Its URLs are rewritten to the app's own server before registration. */
  manifest: ManifestInput;
  /** Builds the app under test from its fresh registration (secrets exist only after it). */
  app: (options: TestAppOptions, registration: TestAppRegistration) => App | Promise<App>;
  /** Where the kit saves the install's tokens. Default: a JSON file in the kit's temp dir. */
  tokenStore?: CredentialsStore;
  /** Channels alice adds the bot to after installing, as a person would. Default `['#general']`. */
  botChannels?: readonly string[];
  /** The port the app listens on. Default: any free one (0). Give one (see `freePort`) when the app must know its URL up front, e.g. for OAuth redirects. */
  appPort?: number;
  /** Extra platform config (e.g. `{ eventTimeoutMs: 2000 }`). */
  platformConfig?: Record<string, unknown>;
}

export interface MessageQuery {
  /** `'alice'`, `'bob'`, `t.bot` or any workspace user id. */
  from?: string;
  /** `#name` or a channel id. */
  channel?: string;
  /** Exact text, or a pattern. */
  text?: string | RegExp;
  /** `true`: only ephemeral messages; `false`: only stored ones; absent: either. */
  ephemeral?: boolean;
  /** Only messages this person's screen showed (`'alice'`). */
  seenBy?: string;
  /** Default 5 000 ms. */
  timeoutMs?: number;
}

export interface TestKit {
  /** The app under test, started on its own port. */
  app: App;
  /** The bot's workspace user id: `t.waitForMessage({ from: t.bot })`. */
  bot: string;
  workspaceId: string;
  /** The platform's base URL (also the app's `apiBaseUrl`). */
  url: string;
  /** The app's base URL, where the platform delivers. */
  appUrl: string | undefined;
  /** The options the app was built with (secrets, token store). */
  appOptions: TestAppOptions;
  /** The registered app's id. */
  appId: string;
  /** The temp dir holding the platform's SQLite file and the default token file; removed by `stop()`. */
  dataDir: string;
  /** A demo person: `'alice'` (owner, installed the app) or `'bob'`. */
  as(name: string): Person;
  /**
   * The next message matching `query` not yet returned by an earlier call, as seen on the
   * people's realtime sockets; rejects with what was seen after `timeoutMs`.
   */
  waitForMessage(query?: MessageQuery): Promise<Message>;
  /** Every message seen so far, oldest first. */
  readonly messages: readonly Message[];
  /** Stops the app and the platform and deletes the temp data. */
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

/** Points every URL of the manifest at `base`, keeping each path. */
export function rewriteManifestUrls(manifest: ManifestInput, base: string): ManifestInput {
  const at = (url: string) => {
    const { pathname, search } = new URL(url);
    return `${base}${pathname}${search}`;
  };
  const copy = structuredClone(manifest) as unknown as Json;
  const withUrl = (item: unknown) =>
    item && typeof item === 'object' && typeof (item as Json).url === 'string' ? { ...(item as Json), url: at((item as Json).url as string) } : item;
  for (const key of ['slashCommands', 'shortcuts', 'dynamicMenus']) {
    if (Array.isArray(copy[key])) copy[key] = (copy[key] as unknown[]).map(withUrl);
  }
  for (const key of ['eventSubscriptions', 'blockInteraction', 'viewAction']) copy[key] = withUrl(copy[key]);
  const redirects = Array.isArray(copy.redirectUrls) ? (copy.redirectUrls as string[]).map(at) : [];
  copy.redirectUrls = redirects.length > 0 ? redirects : [`${base}/redirect`];
  return copy as unknown as ManifestInput;
}

function matches(entry: SeenMessage, query: MessageQuery, resolve: { user(name: string): string; channel?: string }): boolean {
  const { message } = entry;
  if (query.from !== undefined && message.author !== resolve.user(query.from)) return false;
  if (resolve.channel !== undefined && message.channelId !== resolve.channel) return false;
  if (query.ephemeral !== undefined && Boolean(message.ephemeral) !== query.ephemeral) return false;
  if (query.seenBy !== undefined && !entry.seenBy.has(resolve.user(query.seenBy))) return false;
  if (typeof query.text === 'string' && message.text !== query.text) return false;
  if (query.text instanceof RegExp && !query.text.test(message.text)) return false;
  return true;
}

/**
 * Runs the app under test against a real, in-process Switchboard platform: a temp SQLite
 * store with the demo workspace (alice, bob, #general), the app registered from its manifest
 * (URLs pointed at the app's own server), installed by alice through the real OAuth API, and
 * its tokens saved in the app's token store.
 *
 * Needs `@switchboard/platform` installed next to the SDK (a dev dependency of your tests).
 * @example
 * import { startTestKit } from '@switchboard/sdk/testing';
 * const t = await startTestKit({ manifest, app: (options) => createApp({ ...options, slashCommands }) });
 * await t.as('alice').post('#general', '/echo hi');
 * await t.waitForMessage({ from: t.bot, text: 'hi', ephemeral: true });
 * await t.stop();
 */
export async function startTestKit(options: TestKitOptions): Promise<TestKit> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-kit-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => {});
    }
  };
  try {
    return await start(options, dataDir, cleanups, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function start(options: TestKitOptions, dataDir: string, cleanups: (() => Promise<void> | void)[], stop: () => Promise<void>): Promise<TestKit> {
  const { platform, url }: { platform: InProcessPlatform; url: string } = await startInProcessPlatform({
    dataDir: join(dataDir, 'platform'),
    demoPassword: TEST_KIT_PASSWORD,
    config: options.platformConfig,
  });
  cleanups.push(() => platform.close());

  const log = new MessageLog();
  const people = new Map<string, Person>();
  for (const [name, email] of Object.entries(DEMO_PEOPLE)) {
    const person = await Person.signIn(url, name, email, TEST_KIT_PASSWORD, log);
    people.set(name, person);
    cleanups.push(() => person.close());
  }
  const alice = people.get('alice') as Person;
  const ownerPath = `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.userId}`;

  // Secrets exist only once the app is registered, and the app must be built with them: so
  // register first, then start the app, then point the manifest at where it listens.
  // Installing needs a registered redirect URL; a socket-mode app may list none.
  const initial = options.manifest.redirectUrls.length > 0 ? options.manifest : { ...options.manifest, redirectUrls: ['http://127.0.0.1/redirect'] };
  const registered = (await alice.call('POST', `${ownerPath}/apps`, initial)).body as Json & {
    id: string;
    clientSecret: string;
    appKey: string;
    signingSecret: string;
  };
  const tokenStore: CredentialsStore = options.tokenStore ?? new JsonFileTokenStore(join(dataDir, 'tokens.json'));
  const appOptions: TestAppOptions = {
    manifest: options.manifest,
    signingSecret: registered.signingSecret,
    appKey: registered.appKey,
    apiBaseUrl: url,
    tokenStore,
  };
  const app = await options.app(appOptions, { appId: registered.id, clientSecret: registered.clientSecret });
  // Cleanups run last-in first-out: the app stops before the store it reads is closed.
  if (tokenStore.close) cleanups.push(() => tokenStore.close?.());
  // A socket-mode app (its own `receiver`) listens nowhere: its manifest keeps its URLs.
  const address = await app.start({ port: options.appPort ?? 0 });
  cleanups.push(() => app.stop());
  let manifest = initial;
  if (address) {
    manifest = rewriteManifestUrls(options.manifest, address.url);
    await alice.call('PUT', `${ownerPath}/apps/${registered.id}`, manifest);
  }

  // Install as alice through the real OAuth API, as the redirect route would.
  const scopes = [...(manifest.scopes.userScopes ?? []), ...(manifest.scopes.botScopes ?? []).map((scope) => `bot:${scope}`)].join(',');
  const redirectUrl = manifest.redirectUrls[0];
  const query = new URLSearchParams({ clientId: registered.id, scopes, redirectUrl });
  const { code } = (await alice.call('GET', `${ownerPath}/oauth2/grant?${query}`)).body as { code: string };
  const form = new URLSearchParams({ 'client-id': registered.id, 'client-secret': registered.clientSecret, code });
  const exchanged = await fetch(`${url}/oauth2/access`, { method: 'POST', body: form });
  if (exchanged.status !== 200) throw new Error(`Test kit: token exchange failed (${exchanged.status}): ${await exchanged.text()}`);
  const tokens = (await exchanged.json()) as OAuth2AccessTokenResponse;
  await tokenStore.initialize();
  await tokenStore.saveTokens(tokens);

  const bot = tokens.botId ?? '';
  if (bot) {
    for (const channel of options.botChannels ?? ['#general']) await alice.addMembers(channel, [bot]);
  }
  const returned = new Set<SeenMessage>();
  const user = (name: string) => (name === 'bot' ? bot : (people.get(name)?.userId ?? name));

  return {
    app,
    bot,
    workspaceId: tokens.workspaceId,
    url,
    appUrl: address?.url,
    appOptions,
    appId: registered.id,
    dataDir,
    as(name) {
      const person = people.get(name);
      if (!person) throw new Error(`Test kit: no person "${name}"; the demo workspace has ${[...people.keys()].join(', ')}.`);
      return person;
    },
    async waitForMessage(query = {}) {
      const channel = query.channel === undefined ? undefined : await alice.channelId(query.channel);
      const deadline = Date.now() + (query.timeoutMs ?? 5000);
      for (;;) {
        const found = log.seen.find((entry) => !returned.has(entry) && matches(entry, query, { user, channel }));
        if (found) {
          returned.add(found);
          return found.message;
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          const seen = log.seen.map(({ message: m }) => `${m.ephemeral ? '(ephemeral) ' : ''}${m.author}: ${JSON.stringify(m.text)}`);
          throw new Error(
            `Test kit: no message matching ${describe(query)} within ${query.timeoutMs ?? 5000} ms. Seen:\n  ${seen.join('\n  ') || '(nothing)'}`,
          );
        }
        await log.changed(left);
      }
    },
    get messages() {
      return log.seen.map((entry) => entry.message);
    },
    stop,
  };
}

function describe(query: MessageQuery): string {
  return JSON.stringify({ ...query, text: query.text instanceof RegExp ? String(query.text) : query.text });
}
