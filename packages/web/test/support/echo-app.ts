import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestInput } from '@switchboard/protocol';
import { type AppOptions, JsonFileTokenStore } from '@switchboard/sdk';
import { freePort, rewriteManifestUrls } from '@switchboard/sdk/testing';
import { createEchoBot, manifest as echoManifest } from '../../../../examples/echo-bot/index.js';
import { apiCall } from './platform.js';

export interface RunningEchoApp {
  appId: string;
  appUrl: string;
  stop(): Promise<void>;
}

/**
 * The real examples/echo-bot, registered by alice (a developer step, over the API) but NOT
 * installed: the test installs it through Configure Apps and the consent screen. Its listing
 * page (`/install`) sends people to the consent screen with the SDK's signed state, and after
 * installing it sends them back to Configure Apps.
 */
export async function startEchoApp(platformUrl: string, alice: { token: string; workspaceId: string; workspaceUserId: string }): Promise<RunningEchoApp> {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const manifest: ManifestInput = { ...rewriteManifestUrls(echoManifest, appUrl), listingUrl: `${appUrl}/install`, helpUrl: `${appUrl}/help` };
  const owner = `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.workspaceUserId}`;
  const registered = await apiCall<{ id: string; clientSecret: string; appKey: string; signingSecret: string }>(
    platformUrl,
    alice.token,
    'POST',
    `${owner}/apps`,
    manifest,
  );
  if (registered.status !== 200) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-echo-'));
  const tokenStore = new JsonFileTokenStore(join(dir, 'tokens.json'));
  const options = {
    manifest,
    signingSecret: registered.body.signingSecret,
    appKey: registered.body.appKey,
    apiBaseUrl: platformUrl,
    tokenStore,
    oauth: {
      clientId: registered.body.id,
      clientSecret: registered.body.clientSecret,
      stateSecret: 'web-journey-state-secret-0123456789abcdef',
      onSuccess: () => Response.redirect(`${platformUrl}/apps`, 302),
    },
    onServerConfiguring: (router: { get(path: string, handler: (request: Request) => Response): unknown }) => {
      router.get('/install', () => Response.redirect(app.installUrl({ workspaceId: alice.workspaceId }), 302));
    },
  };
  // The example takes everything but its manifest; the test points that at where the app listens.
  const app = createEchoBot(options as unknown as Omit<AppOptions, 'manifest'>);
  await app.start({ port });
  return {
    appId: registered.body.id,
    appUrl,
    async stop() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
