import { exchangeCode, grantCode, type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, type Session, type TestPlatform } from '../harness.js';

export interface WebhookView {
  id: string;
  appId: string;
  url: string;
  events: string[];
  enabled: boolean;
  secret?: string;
}

/** An app of `owner` installed in its workspace with bot messages:read, and no event URL subscriptions of its own. */
export async function installedApp(t: TestPlatform, owner: Session, name: string): Promise<RegisteredApp> {
  const app = await registerApp(
    t.url,
    owner,
    testManifest({
      name,
      slashCommands: [],
      // Only an app event at the (unreachable) event URL: message events go to webhooks alone.
      eventSubscriptions: { url: 'http://127.0.0.1:9/events', events: ['APP_UNAUTHORIZED'] },
      scopes: { botScopes: ['messages:read', 'messages:write', 'reaction:read'], userScopes: ['messages:read'] },
      welcomeMessage: null,
    }),
  );
  const code = await grantCode(t.url, owner, app, { scopes: 'messages:read,bot:messages:read,bot:messages:write,bot:reaction:read' });
  const tokens = await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
  if (tokens.status !== 200) throw new Error(`install failed ${JSON.stringify(tokens.body)}`);
  return app;
}

export const hooksPath = (appId: string) => `/v1/apps/${appId}/webhooks`;

export async function createWebhook(t: TestPlatform, owner: Session, appId: string, url: string, events = ['message-created']): Promise<WebhookView> {
  const res = await call<WebhookView>(t.url, owner.token, 'POST', hooksPath(appId), { url, events });
  if (res.status !== 201) throw new Error(`create failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function channelId(t: TestPlatform, person: Session, name: string): Promise<string> {
  const channels = await call<{ channel: { id: string; name: string } }[]>(t.url, person.token, 'GET', '/v1/channels');
  const found = channels.body.find((c) => c.channel.name === name)?.channel.id;
  if (!found) throw new Error(`no channel ${name}`);
  return found;
}
