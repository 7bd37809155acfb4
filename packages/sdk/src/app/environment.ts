import type { CredentialsStore } from '../stores/credentials-store.js';
import { JsonFileTokenStore } from '../stores/json-file-token-store.js';

/**
 * The app's registration as `switchboard dev` (or pumble-cli) hands it over in environment
 * variables. Ours first, then Pumble's names, so an app written for either runs unchanged.
 */
export interface AppEnvironment {
  apiBaseUrl?: string;
  appId?: string;
  appKey?: string;
  clientSecret?: string;
  signingSecret?: string;
  /** A JSON credentials file `switchboard dev` keeps the install's tokens in. */
  tokenFile?: string;
  /** The port to listen on (`PORT`). */
  port?: number;
}

type Env = Record<string, string | undefined>;

const first = (env: Env, ...names: string[]): string | undefined => {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
};

/**
 * Reads the registration from the environment; unset or empty variables are left out.
 * @example const { appId, appKey, apiBaseUrl } = appEnvironment(); new SocketReceiver({ appId, appKey, baseUrl: apiBaseUrl })
 */
export function appEnvironment(env: Env = process.env): AppEnvironment {
  const port = Number(first(env, 'PORT'));
  const found: AppEnvironment = {
    apiBaseUrl: first(env, 'SWITCHBOARD_API_URL', 'PUMBLE_API_URL'),
    appId: first(env, 'SWITCHBOARD_APP_ID', 'PUMBLE_APP_ID'),
    appKey: first(env, 'SWITCHBOARD_APP_KEY', 'PUMBLE_APP_KEY'),
    clientSecret: first(env, 'SWITCHBOARD_CLIENT_SECRET', 'PUMBLE_APP_CLIENT_SECRET'),
    signingSecret: first(env, 'SWITCHBOARD_SIGNING_SECRET', 'PUMBLE_APP_SIGNING_SECRET'),
    tokenFile: first(env, 'SWITCHBOARD_TOKEN_FILE'),
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
  };
  return Object.fromEntries(Object.entries(found).filter(([, value]) => value !== undefined)) as AppEnvironment;
}

interface EnvironmentDefaults {
  signingSecret?: string | readonly string[];
  apiBaseUrl?: string;
  appKey?: string;
  tokenStore?: CredentialsStore;
}

/**
 * Fills what the caller left out from the environment, never overriding what it gave: an app
 * built as `createApp({ manifestPath, slashCommands })` runs under `switchboard dev` as is.
 * @example createApp(withEnvironment({ manifestPath: './manifest.json' }))
 */
export function withEnvironment<T extends EnvironmentDefaults>(options: T, env: Env = process.env): T {
  const found = appEnvironment(env);
  const filled: T = { ...options };
  if (filled.signingSecret === undefined && found.signingSecret) filled.signingSecret = found.signingSecret;
  if (filled.apiBaseUrl === undefined && found.apiBaseUrl) filled.apiBaseUrl = found.apiBaseUrl;
  if (filled.appKey === undefined && found.appKey) filled.appKey = found.appKey;
  // The token file only helps with the API's address and key to build clients from it.
  if (filled.tokenStore === undefined && found.tokenFile && filled.apiBaseUrl && filled.appKey) {
    filled.tokenStore = new JsonFileTokenStore(found.tokenFile);
  }
  return filled;
}
