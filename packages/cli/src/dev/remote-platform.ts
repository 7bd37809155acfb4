import { ApiClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { currentSession } from '../credentials/session.js';
import type { DevPlatform } from './dev-platform.js';

/**
 * A Switchboard elsewhere (`--platform <url>`), reached with the person signed in by
 * `switchboard login` (or SWITCHBOARD_TOKEN). It must be able to reach the app's address
 * (`--app-url`), or the app uses socket mode.
 */
export async function connectRemotePlatform(url: string): Promise<DevPlatform> {
  const session = currentSession(url);
  const client = ApiClient.forSession(session);
  return {
    url: session.url,
    embedded: false,
    client,
    workspaceId: session.workspaceId,
    person: session.email ?? session.workspaceUserId,
    async signInLink() {
      try {
        const { url: link } = await client.request<{ url: string }>('POST', '/v1/auth/one-time-login', { body: { next: '/' } });
        return link;
      } catch (error) {
        // An older platform, or one that is not Switchboard: no link, the page's own sign-in works.
        if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return undefined;
        throw error;
      }
    },
    close: async () => {},
  };
}
