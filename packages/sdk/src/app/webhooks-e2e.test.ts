import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestInput, WebhookEvent } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeCode, grantCode, type RegisteredApp, registerApp } from '../../../platform/test/apps/oauth-dance.js';
import { call, login, type Session, startPlatform, type TestPlatform } from '../../../platform/test/harness.js';
import { until } from '../../../platform/test/socket/socket-app.js';
import { channelId, createWebhook, hooksPath } from '../../../platform/test/webhooks/setup.js';
import { JsonFileTokenStore } from '../stores/json-file-token-store.js';
import { freePort } from '../testing/free-port.js';
import { type App, createApp } from './app.js';

const manifest: ManifestInput = {
  name: 'sdk_hooks',
  displayName: 'SDK Hooks',
  bot: true,
  scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read'] },
  shortcuts: [],
  slashCommands: [],
  // Message events reach this app through its webhook alone.
  eventSubscriptions: { url: 'http://127.0.0.1:9/events', events: ['APP_UNAUTHORIZED'] },
  redirectUrls: ['https://app.example.com/oauth/redirect'],
  welcomeMessage: null,
};

describe('SDK webhook listeners against the real platform (PROTOCOL.md 8)', () => {
  let t: TestPlatform;
  let alice: Session;
  let bob: Session;
  let registered: RegisteredApp;
  let general: string;
  let app: App | undefined;
  let port: number;

  beforeAll(async () => {
    t = await startPlatform();
    alice = await login(t.url, 'alice@example.com');
    bob = await login(t.url, 'bob@example.com');
    general = await channelId(t, alice, 'general');
    registered = await registerApp(t.url, alice, manifest as never);
  });
  afterAll(async () => {
    await app?.stop();
    await t?.stop();
  });

  it('answers the enable challenge itself, then gets message-created, replies in the thread and skips its own message', async () => {
    const code = await grantCode(t.url, alice, registered, { scopes: 'messages:read,bot:messages:read,bot:messages:write' });
    const tokens = await exchangeCode(t.url, { 'client-id': registered.id, 'client-secret': registered.clientSecret, code });
    expect(tokens.status).toBe(200);
    const tokenStore = new JsonFileTokenStore(join(mkdtempSync(join(tmpdir(), 'sb-hooks-')), 'tokens.json'));
    await tokenStore.initialize();
    await tokenStore.saveTokens(tokens.body as never);
    // As a person would: alice adds the bot to #general so it may answer there.
    expect((await call(t.url, alice.token, 'POST', `/v1/channels/${general}/users`, { userIds: [tokens.body.botId] })).status).toBeLessThan(300);

    // The webhook's URL must be known before its secret, and the secret before the app is built.
    port = await freePort();
    const hook = await createWebhook(t, alice, registered.id, `http://127.0.0.1:${port}/hooks`);
    const delivered: WebhookEvent[] = [];
    const handled: WebhookEvent[] = [];
    const errors: unknown[] = [];
    app = createApp({
      manifest,
      signingSecret: registered.signingSecret,
      webhookSecret: hook.secret,
      tokenStore,
      apiBaseUrl: t.url,
      appKey: registered.appKey,
      onError: (error) => errors.push(error),
    });
    app.use(async (ctx, next) => {
      delivered.push(ctx.payload as WebhookEvent);
      await next();
    });
    app.webhook('message-created', async (ctx) => {
      handled.push(ctx.payload);
      await ctx.reply(`heard: ${ctx.payload.content}`);
    });
    await app.start({ port });

    const enabled = await call<{ enabled: boolean }>(t.url, alice.token, 'POST', `${hooksPath(registered.id)}/${hook.id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.body.enabled).toBe(true);

    const first = await call<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${general}/messages`, { text: 'hello hooks' });
    await until(() => handled.length >= 1, 'the message-created webhook');
    expect(handled[0]).toMatchObject({
      type: 'message-created',
      messageId: first.body.id,
      channelId: general,
      spaceId: general,
      workspaceId: bob.workspaceId,
      userId: bob.workspaceUserId,
      content: 'hello hooks',
    });
    const replies = async () =>
      // Pumble's fetchThreadReplies: a bare array.
      (await call<{ text: string; author: string }[]>(t.url, alice.token, 'GET', `/v1/channels/${general}/messages/${first.body.id}/replies`)).body;
    await until(async () => (await replies()).some((m) => m.text === 'heard: hello hooks'), "the bot's threaded reply");
    expect((await replies()).find((m) => m.text === 'heard: hello hooks')?.author).toBe(tokens.body.botId);

    // Deliveries keep per-channel order, so once bob's second message is in, the bot's reply was delivered before it.
    await call(t.url, bob.token, 'POST', `/v1/channels/${general}/messages`, { text: 'second' });
    await until(() => handled.length >= 2, 'the second message');
    // The first three, in order; the bot's answer to "second" may already be arriving behind them.
    expect(delivered.slice(0, 3).map((e) => (e.type === 'message-created' ? e.content : e.type))).toEqual(['hello hooks', 'heard: hello hooks', 'second']);
    expect(handled.map((e) => (e.type === 'message-created' ? e.content : ''))).toEqual(['hello hooks', 'second']);
    expect(errors).toEqual([]);
  });

  it('refuses to enable a webhook whose secret the app does not hold', async () => {
    // Same app URL, a new webhook with its own secret: the app's verifier refuses the challenge.
    const other = await createWebhook(t, alice, registered.id, `http://127.0.0.1:${port}/hooks`);
    const enabled = await call<{ code?: string }>(t.url, alice.token, 'POST', `${hooksPath(registered.id)}/${other.id}/enable`);
    expect(enabled.status).toBe(400);
    expect(enabled.body.code).toBeTruthy();
    const listed = await call<{ id: string; enabled: boolean }[]>(t.url, alice.token, 'GET', hooksPath(registered.id));
    expect(listed.body.find((h) => h.id === other.id)?.enabled).toBe(false);
  });
});
