import type { ManifestInput } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKit, type TestKit } from '../testing/index.js';
import { createApp } from './app.js';

/** Every non-slash trigger type, from the real platform to an SDK app and back. */
const manifest: ManifestInput = {
  name: 'triggers_app',
  displayName: 'Triggers App',
  bot: true,
  scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: [] },
  shortcuts: [
    { shortcutType: 'GLOBAL', name: 'open_form', displayName: 'Open form', url: 'https://example.com/shortcuts' },
    { shortcutType: 'ON_MESSAGE', name: 'quote', displayName: 'Quote', url: 'https://example.com/shortcuts' },
  ],
  slashCommands: [],
  eventSubscriptions: { url: 'https://example.com/events', events: [] },
  blockInteraction: { url: 'https://example.com/actions' },
  viewAction: { url: 'https://example.com/views' },
  dynamicMenus: [{ url: 'https://example.com/menus', onAction: 'pick_project' }],
  redirectUrls: ['https://example.com/oauth/redirect'],
};

const FORM = {
  type: 'MODAL',
  callbackId: 'form',
  blocks: [{ type: 'input', blockId: 'reason', element: { type: 'plain_text_input', onAction: 'reason_text' } }],
};

interface TriggerResult {
  outcome: string;
  view?: { id: string; view: { callbackId?: string } };
  closedViewIds?: string[];
  errors?: Record<string, string>;
}

describe('an SDK app receives every trigger type from the real platform, and its replies take effect', () => {
  const completions: string[] = [];
  let t: TestKit;
  let messageId: string;
  let general: string;

  beforeAll(async () => {
    t = await startTestKit({
      manifest,
      app: (options) =>
        createApp(options)
          .shortcut('open_form', (ctx) => ctx.openModal(FORM))
          .shortcut('quote', (ctx) => ctx.ack(`quoting ${'messageId' in ctx.payload ? ctx.payload.messageId : ''}`))
          .view({ callbackId: 'form', viewActionType: 'SUBMIT' }, async (ctx) => {
            if (!ctx.payload.view.state?.values.reason?.reason_text) return ctx.showErrors({ reason: 'Say why' });
            ctx.ack();
            await ctx.say(`reason: ${String(ctx.payload.view.state?.values.reason?.reason_text)}`);
          })
          .action('go', async (ctx) => {
            ctx.ack(`went to ${(ctx.value as { value: string }).value}`);
            // Ends the element's loading state; the platform refuses a triggerId it did not send.
            const { channelId = '', sourceId, sourceType, triggerId } = ctx.payload;
            completions.push(
              await ctx.client.app.completeInteraction({ channelId, sourceId, sourceType, triggerId }).then(
                () => 'completed',
                (error: unknown) => String(error),
              ),
            );
          })
          .menu('pick_project', (ctx) => [{ text: `project ${ctx.payload.query}`, value: 'p1' }]),
    });
    general = await t.as('alice').channelId('#general');
    const botToken = await t.appOptions.tokenStore.getBotToken(t.workspaceId);
    const posted = await fetch(`${t.url}/v1/channels/${general}/messages`, {
      method: 'POST',
      headers: { token: botToken ?? '', 'x-app-token': t.appOptions.appKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        text: 'Deploy?',
        blocks: [
          {
            type: 'actions',
            elements: [
              { type: 'button', onAction: 'go', value: 'prod' },
              { type: 'dynamic_select_menu', onAction: 'pick_project' },
            ],
          },
        ],
      }),
    });
    messageId = ((await posted.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('GLOBAL shortcut → openModal opens the view; SUBMIT reaches the view listener with the state; showErrors keeps it open, ack closes it', async () => {
    const alice = t.as('alice');
    const opened = (await alice.call('POST', '/v1/shortcuts/invoke', { appId: t.appId, name: 'open_form', channelId: general })).body as TriggerResult;
    expect(opened).toMatchObject({ outcome: 'acked', view: { view: { callbackId: 'form' } } });
    const viewId = opened.view?.id ?? '';
    const refused = (await alice.call('POST', `/v1/views/${viewId}/submit`, { state: { values: {} } })).body as TriggerResult;
    expect(refused).toMatchObject({ outcome: 'acked', errors: { reason: 'Say why' }, view: { id: viewId, errors: { reason: 'Say why' } } });
    const submitted = (await alice.call('POST', `/v1/views/${viewId}/submit`, { state: { values: { reason: { reason_text: 'hotfix' } } } }))
      .body as TriggerResult;
    expect(submitted).toMatchObject({ outcome: 'acked', closedViewIds: [viewId] });
    expect((await t.waitForMessage({ from: t.bot, text: 'reason: hotfix' })).ephemeral).toBeFalsy();
  });

  it('ON_MESSAGE shortcut → the ack message reaches the person', async () => {
    const result = await t.as('bob').call('POST', '/v1/shortcuts/invoke', { appId: t.appId, name: 'quote', channelId: general, messageId });
    expect((result.body as TriggerResult).outcome).toBe('acked');
    expect(await t.waitForMessage({ from: t.bot, text: `quoting ${messageId}`, ephemeral: true, seenBy: 'bob' })).toBeTruthy();
  });

  it('a button click reaches app.action with its value; a dynamic menu gets the producer options', async () => {
    const alice = t.as('alice');
    const source = { sourceType: 'MESSAGE', sourceId: messageId, channelId: general };
    const clicked = (await alice.call('POST', '/v1/interactions/blocks', { ...source, onAction: 'go' })).body as TriggerResult;
    expect(clicked.outcome).toBe('acked');
    expect(await t.waitForMessage({ from: t.bot, text: 'went to prod', ephemeral: true, seenBy: 'alice' })).toBeTruthy();
    for (let i = 0; i < 100 && completions.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(completions).toEqual(['completed']);
    const menu = await alice.call('POST', '/v1/interactions/menus', { ...source, onAction: 'pick_project', query: 'ab' });
    expect(menu.body).toEqual({ options: [{ text: 'project ab', value: 'p1' }] });
  });
});
