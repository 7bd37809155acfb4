import type { Platform } from '@switchboard/platform';
import { ApiClient } from '../api/client.js';
import { CliError, ExitCode } from '../api/errors.js';
import type { DevPlatform } from './dev-platform.js';

/** The demo person `dev` acts as: she registers and installs the app, and the printed link signs her in. */
export const DEMO_PERSON = 'alice@example.com';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/**
 * A platform in this process: SQLite under the app's `.switchboard/`, the demo workspace,
 * deliveries allowed to loopback (the app runs on this machine). Nobody types a password: dev
 * signs the demo person in with a single-use link redeemed in-process.
 */
export async function startEmbeddedPlatform(options: EmbeddedOptions): Promise<DevPlatform> {
  // Loaded here, not with the CLI: it takes a second or two, which the app's own start overlaps.
  const { createPlatform, defaultConfig } = await import('@switchboard/platform');
  const config = defaultConfig({
    port: options.port,
    host: options.host,
    dataDir: options.dataDir,
    databaseUrl: undefined,
    seedDemo: true,
    allowPrivateTargets: true,
    // One developer's events need no worker thread, and booting one competes with the app's start.
    deliveryWorker: false,
    logLevel: options.logLevel,
    prettyLogs: Boolean(process.stdout.isTTY),
  });
  const platform = await createPlatform(config);
  let url: string;
  try {
    url = await platform.listen();
  } catch (error) {
    await platform.close().catch(() => {});
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(
        `Port ${options.port} is already in use.`,
        ExitCode.Usage,
        'Pass --port <another port> (0 picks a free one), or stop what listens there.',
      );
    }
    throw error;
  }
  try {
    const { token } = await platform.services.oneTimeLogins.issueForEmail(DEMO_PERSON);
    const login = await platform.services.oneTimeLogins.redeem(token);
    const session = {
      url,
      token: login.token,
      refreshToken: login.refreshToken,
      workspaceId: login.workspaceId,
      workspaceUserId: login.workspaceUserId,
      source: 'env' as const,
    };
    return {
      url,
      embedded: true,
      client: ApiClient.forSession(session),
      workspaceId: login.workspaceId,
      person: DEMO_PERSON,
      demoPassword: platform.demo?.generated ? platform.demo.password : undefined,
      signInLink: () => signInLink(platform, url),
      watchDeliveries: (appId, listener) =>
        platform.services.deliveryFeed.subscribe(({ appId: to, kind, status, latencyMs, error, retry }) => {
          if (to === appId) listener({ kind, status, latencyMs, error, retry });
        }),
      close: () => platform.close(),
    };
  } catch (error) {
    await platform.close().catch(() => {});
    throw error;
  }
}

async function signInLink(platform: Platform, url: string): Promise<string> {
  const { token } = await platform.services.oneTimeLogins.issueForEmail(DEMO_PERSON);
  return `${url}/login/once?${new URLSearchParams({ token, next: '/' })}`;
}
