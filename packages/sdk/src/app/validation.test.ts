import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ManifestInput, signOutbound } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { Receiver, ReceiverHost } from '../receivers/receiver.js';
import { signedDelivery } from '../receivers/signed-delivery.js';
import { createApp } from './app.js';
import type { AppOptions } from './app-options.js';
import { AppConfigError } from './config-error.js';
import type { CommandContext } from './context.js';
import type { Handler } from './declarative.js';

const signingSecret = 's';
const url = 'https://app.example/hook';
const manifest: ManifestInput = {
  name: 'v',
  displayName: 'V',
  bot: true,
  scopes: { botScopes: [], userScopes: [] },
  shortcuts: [{ shortcutType: 'GLOBAL', url, name: 'hi', displayName: 'Hi' }],
  slashCommands: [{ command: '/echo', url }],
  eventSubscriptions: { url, events: ['NEW_MESSAGE'] },
  dynamicMenus: [{ url, onAction: 'pick' }],
  redirectUrls: [],
};

const command = { messageType: 'SLASH_COMMAND', slashCommand: '/echo', text: 'hi', userId: 'U1', channelId: 'C1', workspaceId: 'W1', triggerId: 'T1' };

/** A transport that only records the host it was started for, so a test can hand it deliveries. */
class StubReceiver implements Receiver {
  host: ReceiverHost | undefined;
  async start(host: ReceiverHost): Promise<void> {
    this.host = host;
  }
  async stop(): Promise<void> {
    this.host = undefined;
  }
}

const configError = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppConfigError);
    return (error as Error).message;
  }
  throw new Error('expected an AppConfigError');
};

describe('start-up validation', () => {
  it('checks webhook listeners: a known name, a secret or receiver to verify them, message options only on messages', async () => {
    expect(configError(() => createApp({ manifest, signingSecret }).webhook('message-created', () => {}))).toMatch(/needs webhookSecret/);
    const app = createApp({ manifest, signingSecret, webhookSecret: 'w', onError: () => {} });
    expect(configError(() => app.webhook('message-sent' as never, () => {}))).toMatch(/Unknown webhook event "message-sent" \(known: message-created/);
    expect(configError(() => app.webhook('space-created', { match: 'x' }, () => {}))).toMatch(/only apply to message-created and message-edited/);
    const seen: string[] = [];
    app.webhook('message-created', { match: /^deploy (\w+)/ }, (ctx) => void seen.push(ctx.match?.[1] ?? ''));
    expect(
      createApp({ manifest, signingSecret, webhookSecret: 'w', webhooks: [{ name: 'message-created', match: /^deploy (\w+)/, handler: () => {} }] }).routes,
    ).toEqual(app.routes);
    const send = async (event: object) => {
      const body = JSON.stringify(event);
      const response = await app.fetch(new Request('http://app/hooks', { method: 'POST', body, headers: { 'x-outbound-token': signOutbound('w', body) } }));
      return response.status;
    };
    const event = { type: 'message-created', messageId: 'M1', channelId: 'C1', spaceId: 'C1', workspaceId: 'W1', userId: 'U1', time: 1 };
    expect(await send({ ...event, content: 'deploy api' })).toBe(200);
    expect(await send({ ...event, content: 'hello' })).toBe(200);
    expect(await send({ type: 'message-created', messageId: 'M1' })).toBe(400);
    expect(seen).toEqual(['api']);
  });

  it('refuses a missing or empty signing secret for an app served over HTTP', () => {
    expect(configError(() => createApp({ manifest } as AppOptions))).toMatch(/signingSecret is missing/);
    expect(configError(() => createApp({ manifest, signingSecret: '' }))).toMatch(/signingSecret is missing/);
    expect(configError(() => createApp({ manifest, signingSecret: ['s', ''] }))).toMatch(/signingSecret is missing/);
  });

  it('lets an app with its own receiver (socket mode) leave the signing secret out, but not give an empty one', async () => {
    const receiver = new StubReceiver();
    const errors: unknown[] = [];
    const app = createApp({ manifest: { ...manifest, socketMode: true }, receiver, onError: (error) => errors.push(error) });
    app.command('/echo', (ctx) => ctx.ack('over the socket'));
    app.router.get('/health', () => new Response('ok'));
    await app.start();
    expect(receiver.host).toBeDefined();
    const acks: unknown[] = [];
    await receiver.host?.handle({ payload: command }, (reply) => acks.push(reply));
    expect(acks).toEqual([{ status: 200, body: { message: 'over the socket' } }]);
    // The HTTP adapters still serve custom routes, but refuse deliveries they cannot verify.
    expect(await (await app.fetch(new Request('http://app/health'))).text()).toBe('ok');
    const { headers, body } = signedDelivery(command, { signingSecret: 'anything' });
    const refused = await app.fetch(new Request('http://app/hook', { method: 'POST', headers, body }));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'invalid_signature' });
    expect(String(errors[0])).toMatch(/no signingSecret/);
    await app.stop();
    expect(configError(() => createApp({ manifest, receiver, signingSecret: '' }))).toMatch(/signingSecret is missing/);
  });

  it('refuses a missing or invalid manifest, reporting the path', () => {
    expect(configError(() => createApp({ signingSecret }))).toMatch(/needs a manifest/);
    expect(configError(() => createApp({ signingSecret, manifest: { ...manifest, slashCommands: [{ command: 'echo', url }] } }))).toMatch(
      /slashCommands\[0\]\.command/,
    );
    expect(configError(() => createApp({ signingSecret, manifestPath: '/nonexistent/manifest.json' }))).toMatch(/Cannot read the manifest/);
  });

  it('loads the manifest from a file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sb-manifest-')), 'manifest.json');
    writeFileSync(path, JSON.stringify(manifest));
    expect(createApp({ signingSecret, manifestPath: path }).manifest.name).toBe('v');
  });

  it('refuses listeners the manifest does not declare, in both forms', () => {
    const app = createApp({ manifest, signingSecret });
    expect(configError(() => app.command('/nope', () => {}))).toMatch(/declares no such slash command \(declared: \/echo\)/);
    expect(configError(() => app.shortcut('bye', () => {}))).toMatch(/no such shortcut/);
    expect(configError(() => app.event('REACTION_ADDED', () => {}))).toMatch(/does not subscribe/);
    expect(configError(() => app.event('NOT_AN_EVENT' as 'NEW_MESSAGE', () => {}))).toMatch(/Unknown event "NOT_AN_EVENT"/);
    expect(configError(() => app.action('btn', () => {}))).toMatch(/no blockInteraction url/);
    expect(configError(() => app.view(() => {}))).toMatch(/no viewAction url/);
    expect(configError(() => app.menu('other', () => []))).toMatch(/no such dynamic menu/);
    expect(configError(() => createApp({ manifest, signingSecret, slashCommands: [{ command: '/nope', handler: () => {} }] }))).toMatch(/\/nope/);
  });

  it('refuses unknown options, misplaced event options and a token store without API settings', () => {
    expect(configError(() => createApp({ manifest, signingSecret, port: 3000 } as AppOptions))).toMatch(/Unknown createApp option "port"/);
    const app = createApp({ manifest, signingSecret });
    expect(configError(() => app.event('NEW_MESSAGE', { mtach: 'x' } as unknown as { match: string }, () => {}))).toMatch(
      /Unknown option\(s\) for event NEW_MESSAGE: mtach/,
    );
    expect(configError(() => app.event('APP_UNINSTALLED', { match: 'x' }, () => {}))).toMatch(/only apply to NEW_MESSAGE/);
    const store = { initialize: async () => {} } as AppOptions['tokenStore'];
    expect(configError(() => createApp({ manifest, signingSecret, tokenStore: store }))).toMatch(/apiBaseUrl and appKey/);
  });
});

describe('declarative and builder forms', () => {
  const echo: Handler<CommandContext> = (ctx) => ctx.ack(ctx.payload.text);
  const hi = () => {};
  const onMessage = () => {};
  const menu = () => [{ text: 'a', value: 'a' }];

  it('compile to the same dispatch table and answer the same', async () => {
    const declarative = createApp({
      manifest,
      signingSecret,
      slashCommands: [{ command: '/echo', handler: echo }],
      shortcuts: [{ name: 'hi', handler: hi }],
      events: [{ name: 'NEW_MESSAGE', match: /x/, handler: onMessage }],
      dynamicMenus: [{ onAction: 'pick', producer: menu }],
    });
    const built = createApp({ manifest, signingSecret });
    built.command('/echo', echo).shortcut('hi', hi).event('NEW_MESSAGE', { match: /x/ }, onMessage).menu('pick', menu);

    expect(declarative.routes).toEqual(['command:/echo x1', 'event:NEW_MESSAGE x1', 'menu:pick x1', 'shortcut:hi x1']);
    expect(built.routes).toEqual(declarative.routes);
    const payload = { messageType: 'SLASH_COMMAND', slashCommand: '/echo', text: 'same', userId: 'U', channelId: 'C', workspaceId: 'W', triggerId: 'T' };
    const answers = await Promise.all(
      [declarative, built].map(async (app) => {
        const { headers, body } = signedDelivery(payload, { signingSecret });
        const response = await app.fetch(new Request('http://app/hook', { method: 'POST', headers, body }));
        return [response.status, await response.json()];
      }),
    );
    expect(answers).toEqual([
      [200, { message: 'same' }],
      [200, { message: 'same' }],
    ]);
  });
});
