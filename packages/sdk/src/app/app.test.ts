import type { ManifestInput } from '@switchboard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { signedDelivery } from '../receivers/signed-delivery.js';
import type { CredentialsStore } from '../stores/credentials-store.js';
import { startWireServer, type WireServer } from '../testing/wire-server.js';
import { type App, createApp } from './app.js';
import type { AppOptions } from './app-options.js';

const signingSecret = 'test-signing-secret';
const url = 'https://app.example/hook';
const manifest: ManifestInput = {
  name: 'echo',
  displayName: 'Echo',
  bot: true,
  scopes: { botScopes: ['messages:write'], userScopes: [] },
  shortcuts: [{ shortcutType: 'ON_MESSAGE', url, name: 'quote', displayName: 'Quote' }],
  slashCommands: [{ command: '/echo', url }],
  eventSubscriptions: { url, events: ['NEW_MESSAGE'] },
  blockInteraction: { url },
  viewAction: { url },
  dynamicMenus: [{ url, onAction: 'pick' }],
  redirectUrls: [],
};
const command = (text: string) => ({
  messageType: 'SLASH_COMMAND',
  slashCommand: '/echo',
  text,
  userId: 'U1',
  channelId: 'C1',
  workspaceId: 'W1',
  triggerId: 'T1',
});
const newMessage = (aId: string, tx: string) => ({
  messageType: 'PUMBLE_EVENT',
  eventType: 'NEW_MESSAGE',
  workspaceId: 'W1',
  workspaceUserIds: ['B1', 'U1'],
  body: JSON.stringify({ mId: 'M1', wId: 'W1', cId: 'C1', trId: '', aId, tx, ty: 'NEW_MESSAGE' }),
});

/** A store with one installed workspace; enough for ctx.client and the bot filter. */
function memoryStore(): CredentialsStore & { deleted: string[] } {
  const deleted: string[] = [];
  return {
    deleted,
    initialize: async () => {},
    getBotToken: async (w) => (w === 'W1' && !deleted.includes('W1') ? 'bot-token' : undefined),
    getBotUserId: async (w) => (w === 'W1' ? 'B1' : undefined),
    getUserToken: async () => 'user-token',
    saveTokens: async () => {},
    deleteWorkspace: async (w) => void deleted.push(w),
    deleteUser: async (w, u) => void deleted.push(`${w}/${u}`),
  };
}

const opened: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0)) await thing.stop();
});

async function started(options: Partial<AppOptions>, configure?: (app: App) => void) {
  const app = createApp({ manifest, signingSecret, onError: () => {}, ...options });
  configure?.(app);
  const address = await app.start({ port: 0 });
  opened.push(app);
  const post = async (payload: object, extra: { deliveryId?: string } = {}) => {
    const { headers, body } = signedDelivery(payload, { signingSecret, ...extra });
    const response = await fetch(`${address!.url}/hook`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { app, post };
}

async function apiServer(): Promise<WireServer> {
  const server = await startWireServer(() => ({
    status: 200,
    body: { id: 'M9', workspaceId: 'W1', channelId: 'C1', author: 'B1', text: 'x', timestamp: '2025-01-01T00:00:00.000Z', timestampMilli: 0 },
  }));
  opened.push({ stop: () => server.close() });
  return server;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('triggers over loopback HTTP', () => {
  it('acks, acks with a message, and nacks with a message', async () => {
    const { post } = await started({}, (app) =>
      app.command('/echo', (ctx) => {
        if (ctx.payload.text === 'quiet') ctx.ack();
        else if (ctx.payload.text === 'no') ctx.nack('Not allowed');
        else ctx.ack(`echo: ${ctx.payload.text}`);
      }),
    );
    expect(await post(command('quiet'))).toEqual({ status: 200, body: {} });
    expect(await post(command('hi'))).toEqual({ status: 200, body: { message: 'echo: hi' } });
    expect(await post(command('no'))).toEqual({ status: 400, body: { message: 'Not allowed' } });
  });

  it('matches commands case-insensitively and acks empty when the handler returns without answering', async () => {
    const { post } = await started({}, (app) => app.command('/ECHO', () => {}));
    expect(await post(command('x'))).toEqual({ status: 200, body: {} });
  });

  it('nacks a handler that throws before acking, reports it, and keeps serving', async () => {
    const errors: unknown[] = [];
    const { post } = await started({ onError: (error) => errors.push(error) }, (app) =>
      app.command('/echo', (ctx) => {
        if (ctx.payload.text === 'boom') throw new Error('boom');
        ctx.ack('fine');
      }),
    );
    expect((await post(command('boom'))).status).toBe(500);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
    expect(await post(command('ok'))).toEqual({ status: 200, body: { message: 'fine' } });
  });

  it('a throw after the ack keeps the ack and still reaches onError', async () => {
    const failed = deferred<unknown>();
    const { post } = await started({ onError: (error) => failed.resolve(error) }, (app) =>
      app.command('/echo', async (ctx) => {
        ctx.ack('got it');
        throw new Error('late');
      }),
    );
    expect(await post(command('x'))).toEqual({ status: 200, body: { message: 'got it' } });
    expect(((await failed.promise) as Error).message).toBe('late');
  });

  it('acks empty when a slow handler has not answered in time, and lets it finish', async () => {
    const finished = deferred<void>();
    const { post } = await started({ autoAckAfterMs: 100 }, (app) =>
      app.command('/echo', async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished.resolve();
      }),
    );
    const startedAt = Date.now();
    expect(await post(command('slow'))).toEqual({ status: 200, body: {} });
    expect(Date.now() - startedAt).toBeLessThan(280);
    await finished.promise;
  });

  it('acks empty in time while a slow token store is still looking the bot up', async () => {
    const store = memoryStore();
    const slowStore: CredentialsStore = {
      ...store,
      getBotToken: async (workspaceId) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return store.getBotToken(workspaceId);
      },
    };
    const { post } = await started({ autoAckAfterMs: 100, tokenStore: slowStore, apiBaseUrl: 'http://127.0.0.1:9', appKey: 'k' }, (app) =>
      app.command('/echo', (ctx) => ctx.ack('too late')),
    );
    const startedAt = Date.now();
    expect(await post(command('x'))).toEqual({ status: 200, body: {} });
    expect(Date.now() - startedAt).toBeLessThan(280);
  });

  it('answers 404 with a message when no listener takes a trigger, and reports it', async () => {
    const errors: unknown[] = [];
    const { post } = await started({ onError: (error) => errors.push(error) }, (app) => app.shortcut('quote', (ctx) => ctx.ack()));
    expect((await post(command('x'))).status).toBe(404);
    expect(String(errors[0])).toContain('command:/echo');
  });

  it('dispatches shortcuts, block actions, views and dynamic menus', async () => {
    const seen: string[] = [];
    const view = { id: 'V1', type: 'MODAL', callbackId: 'feedback', blocks: [], state: { values: {} } };
    const { post } = await started({}, (app) => {
      app.shortcut('quote', (ctx) => {
        seen.push(`shortcut ${ctx.payload.type}`);
        ctx.openModal({ type: 'MODAL', callbackId: 'feedback', blocks: [] });
      });
      app.action('btn', (ctx) => {
        seen.push(`action ${JSON.stringify(ctx.value)}`);
        ctx.ack();
      });
      app.view({ callbackId: 'other' }, () => {
        seen.push('wrong view');
      });
      app.view({ callbackId: 'feedback', viewActionType: 'SUBMIT' }, (ctx) => ctx.ack(`thanks ${ctx.payload.userId}`));
      app.menu('pick', (ctx) => [{ text: `${ctx.payload.query}1`, value: '1' }]);
    });
    const base = { workspaceId: 'W1', userId: 'U1', triggerId: 'T1' };
    const shortcut = await post({ ...base, messageType: 'SHORTCUT', type: 'ON_MESSAGE', shortcut: 'quote', messageId: 'M1', channelId: 'C1' });
    expect(shortcut).toEqual({
      status: 200,
      body: { triggerId: 'T1', view: { type: 'MODAL', callbackId: 'feedback', blocks: [] }, viewType: 'NATIVE', action: 'OPEN' },
    });
    const action = { ...base, messageType: 'BLOCK_INTERACTION', channelId: 'C1', sourceType: 'MESSAGE', sourceId: 'M1' };
    expect(await post({ ...action, actionType: 'BUTTON', onAction: 'btn', payload: '{"value":"x"}', loadingTimeout: 0 })).toEqual({ status: 200, body: {} });
    expect(await post({ ...base, messageType: 'VIEW_ACTION', viewActionType: 'SUBMIT', view })).toEqual({ status: 200, body: { message: 'thanks U1' } });
    expect(await post({ ...base, messageType: 'DYNAMIC_MENU', onAction: 'pick', query: 'ab' })).toEqual({
      status: 200,
      body: { onAction: 'pick', options: [{ text: 'ab1', value: '1' }], triggerId: 'T1' },
    });
    expect(seen).toEqual(['shortcut ON_MESSAGE', 'action {"value":"x"}']);
  });

  it('refuses a payload that does not match the protocol with 400', async () => {
    const { post } = await started({}, (app) => app.command('/echo', (ctx) => ctx.ack()));
    expect((await post({ messageType: 'SLASH_COMMAND', text: 'no command field' })).status).toBe(400);
  });
});

describe('events', () => {
  it('acks at once, filters by match, skips the own bot unless asked, and replies through the API', async () => {
    const api = await apiServer();
    const seen: string[] = [];
    const done = deferred<void>();
    const { post } = await started({ tokenStore: memoryStore(), apiBaseUrl: api.url, appKey: 'key' }, (app) => {
      app.event('NEW_MESSAGE', { match: /^ping (\w+)$/ }, async (ctx) => {
        seen.push(`match ${ctx.match?.[1]} from ${ctx.payload.body.aId}`);
        await ctx.reply(`pong ${ctx.match?.[1]}`);
        done.resolve();
      });
      app.event('NEW_MESSAGE', { includeBotMessages: true }, (ctx) => {
        seen.push(`all ${ctx.payload.body.aId}`);
      });
    });
    expect(await post(newMessage('B1', 'ping bot'))).toEqual({ status: 200, body: {} });
    expect(await post(newMessage('U1', 'hello'))).toEqual({ status: 200, body: {} });
    expect(await post(newMessage('U1', 'ping alice'))).toEqual({ status: 200, body: {} });
    await done.promise;
    await expect.poll(() => seen).toEqual(['all B1', 'all U1', 'match alice from U1', 'all U1']);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: 'POST', path: '/v1/channels/C1/messages/M1', json: { text: 'pong alice' } });
    expect(api.requests[0].headers).toMatchObject({ token: 'bot-token', 'x-app-token': 'key' });
  });

  it('an event handler that throws is reported after the ack', async () => {
    const failed = deferred<unknown>();
    const { post } = await started({ onError: (error) => failed.resolve(error) }, (app) =>
      app.event('NEW_MESSAGE', () => {
        throw new Error('handler failed');
      }),
    );
    expect(await post(newMessage('U1', 'x'))).toEqual({ status: 200, body: {} });
    expect(((await failed.promise) as Error).message).toBe('handler failed');
  });

  it('APP_UNINSTALLED and APP_UNAUTHORIZED clear the token store', async () => {
    const store = memoryStore();
    const { post } = await started({ tokenStore: store, apiBaseUrl: 'http://127.0.0.1:1', appKey: 'key' });
    const appEvent = (eventType: string, body: object) => ({
      messageType: 'APP_EVENT',
      eventType,
      workspaceId: 'W1',
      workspaceUserIds: [],
      body: JSON.stringify(body),
    });
    await post(
      appEvent('APP_UNAUTHORIZED', { id: 'A', app: 'P', appInstallation: 'I', workspaceUser: 'U1', workspace: 'W1', grantedScopes: [], accessGranted: false }),
    );
    await post(appEvent('APP_UNINSTALLED', { id: 'I', app: 'P', workspace: 'W1', installedBy: 'U1', botUser: 'B1', uninstalledAt: 1 }));
    await expect.poll(() => store.deleted).toEqual(['W1/U1', 'W1']);
  });
});

describe('a bot in 20 lines', () => {
  it('echoes a slash command into the channel and acks', async () => {
    const api = await apiServer();
    // --- the example: what a developer writes ---
    const app = createApp({
      manifest,
      signingSecret,
      tokenStore: memoryStore(),
      apiBaseUrl: api.url,
      appKey: 'app-key',
      slashCommands: [
        {
          command: '/echo',
          handler: async (ctx) => {
            ctx.ack();
            await ctx.say(ctx.payload.text || 'Say something!');
          },
        },
      ],
    });
    app.onError((error) => console.error(error));
    const address = await app.start({ port: 0 });
    // --- end of the example ---
    opened.push(app);
    const { headers, body } = signedDelivery(command('hello'), { signingSecret });
    const response = await fetch(`${address!.url}/`, { method: 'POST', headers, body });
    expect(response.status).toBe(200);
    await expect.poll(() => api.requests.map((r) => r.json)).toEqual([{ text: 'hello' }]);
  });
});
