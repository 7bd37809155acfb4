import WebSocket from 'ws';
import { exchangeCode, grantCode, type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, type Session } from '../harness.js';

export interface RealtimeFrame {
  type: string;
  data: Record<string, unknown> & { message?: { text: string; author: string; ephemeral?: boolean } };
}

export interface RealtimeListener {
  frames: RealtimeFrame[];
  /** The next frame matching, removed from `frames`; rejects after 5 s naming what was seen. */
  next(predicate: (f: RealtimeFrame) => boolean): Promise<RealtimeFrame>;
  close(): void;
}

/** A person's /v1/realtime socket, recording every frame. */
export function listenAs(url: string, token: string): Promise<RealtimeListener> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/realtime`, { headers: { authtoken: token } });
  const frames: RealtimeFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as RealtimeFrame));
  const next = async (predicate: (f: RealtimeFrame) => boolean) => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const i = frames.findIndex(predicate);
      if (i >= 0) return frames.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`no frame; saw ${JSON.stringify(frames)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ frames, next, close: () => ws.close() }));
    ws.once('error', reject);
  });
}

export interface InteractiveApp {
  app: RegisteredApp;
  botToken: string;
  botId: string;
  general: string;
}

/** Registers and installs (as `owner`) an app with every kind of trigger pointing at `base`. */
export async function installInteractiveApp(url: string, owner: Session, base: string, overrides: Record<string, unknown> = {}): Promise<InteractiveApp> {
  const app = await registerApp(
    url,
    owner,
    testManifest({
      name: 'interactive_bot',
      displayName: 'Interactive Bot',
      slashCommands: [{ command: '/ask', url: `${base}/slash` }],
      shortcuts: [
        { shortcutType: 'GLOBAL', name: 'say_hi', displayName: 'Say Hi', description: 'Greets', url: `${base}/shortcut` },
        { shortcutType: 'ON_MESSAGE', name: 'quote', displayName: 'Quote', url: `${base}/shortcut` },
      ],
      blockInteraction: { url: `${base}/blocks` },
      viewAction: { url: `${base}/views` },
      dynamicMenus: [{ url: `${base}/menu`, onAction: 'pick_project' }],
      eventSubscriptions: { url: `${base}/events`, events: [] },
      offlineMessage: 'Interactive Bot is down',
      scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read'] },
      welcomeMessage: null,
      ...overrides,
    }),
  );
  const tokens = await exchangeCode(url, {
    'client-id': app.id,
    'client-secret': app.clientSecret,
    code: await grantCode(url, owner, app, { scopes: 'messages:read,bot:messages:read,bot:messages:write' }),
  });
  const channels = await call<{ channel: { id: string; name: string } }[]>(url, owner.token, 'GET', '/v1/channels');
  const general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
  // The bot posts its interactive messages in #general, so it joins it as a person would add it.
  await call(url, owner.token, 'POST', `/v1/channels/${general}/users`, { userIds: [tokens.body.botId] });
  return { app, botToken: tokens.body.botToken, botId: tokens.body.botId, general };
}
