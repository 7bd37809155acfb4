import type { ManifestInput } from '@switchboard/protocol';
import type { HttpOptions } from '../client/index.js';
import type { OAuthOptions } from '../oauth/install-flow.js';
import type { Receiver } from '../receivers/receiver.js';
import type { Router } from '../receivers/router.js';
import type { CredentialsStore } from '../stores/credentials-store.js';
import { AppConfigError } from './config-error.js';
import type { DeclarativeListeners } from './declarative.js';
import type { ErrorListener } from './delivery-runner.js';

/** Everything `createApp` accepts: the app, its credentials, and (optionally) its listeners. */
export interface AppOptions extends DeclarativeListeners {
  /** The registered manifest (PROTOCOL.md 3.1); listeners are checked against it. */
  manifest?: ManifestInput;
  /** Or a path to it as JSON. */
  manifestPath?: string;
  /**
   * Verifies every HTTP delivery (several while rolling a new one out). Required when the app
   * receives over HTTP (`app.start()` without a `receiver`); a socket-mode app passes a
   * `receiver` and may leave it out: socket frames are authenticated by the connection URL.
   */
  signingSecret?: string | readonly string[];
  /** Also accept Watson-style webhooks signed with this secret and answer their challenge. */
  webhookSecret?: string;
  /** Where OAuth tokens live; gives listeners `ctx.client`. Needs `apiBaseUrl` and `appKey`. */
  tokenStore?: CredentialsStore;
  apiBaseUrl?: string;
  appKey?: string;
  /** Timeouts and retries of the API clients handed to listeners. */
  clientOptions?: Omit<HttpOptions, 'baseUrl'>;
  /** A transport other than HTTP for `app.start()` (socket mode, relay). `app.fetch` keeps working. */
  receiver?: Receiver;
  /** Installs through the consent page: `app.installUrl()` and the redirect route. Needs `tokenStore`. */
  oauth?: OAuthOptions;
  /** Add custom HTTP routes (seed 000). Called once, inside `createApp`. */
  onServerConfiguring?: (router: Router) => void;
  /** Same as calling `app.onError(listener)`. */
  onError?: ErrorListener;
  /** Ack a trigger empty after this long if its handler has not answered. Default 2 500 ms (the platform waits 3 s). */
  autoAckAfterMs?: number;
  /** Accepted signature clock skew. Default 5 minutes. */
  toleranceMs?: number;
  /** Default 1 MB. */
  maxBodyBytes?: number;
  /** How many delivery ids to remember for de-duplication. Default 10 000. */
  dedupeCapacity?: number;
  /** Clock in epoch ms for signature checks, injectable for tests. */
  now?: () => number;
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set<keyof AppOptions>([
  'manifest',
  'manifestPath',
  'signingSecret',
  'webhookSecret',
  'tokenStore',
  'apiBaseUrl',
  'appKey',
  'clientOptions',
  'receiver',
  'oauth',
  'onServerConfiguring',
  'onError',
  'autoAckAfterMs',
  'toleranceMs',
  'maxBodyBytes',
  'dedupeCapacity',
  'now',
  'slashCommands',
  'shortcuts',
  'events',
  'blockInteractions',
  'viewAction',
  'dynamicMenus',
  'webhooks',
]);

/**
 * Rejects what would otherwise fail later and quietly: a typo'd option, a missing secret, a
 * token store that cannot build clients.
 * @example checkOptions({ signingSecret: '' }) // throws AppConfigError
 */
export function checkOptions(options: AppOptions): void {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) problems.push(`Unknown createApp option "${key}".`);
  }
  // Without a receiver, app.start() serves HTTP, whose every delivery needs the secret; a secret
  // that is given must be usable either way (an empty one is an unset environment variable).
  if (options.receiver === undefined || options.signingSecret !== undefined) {
    const secrets = typeof options.signingSecret === 'string' ? [options.signingSecret] : (options.signingSecret ?? []);
    if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret.length === 0)) {
      problems.push(
        'signingSecret is missing: copy it from the app registration (it verifies every HTTP delivery; only an app with a socket-mode receiver may leave it out).',
      );
    }
  }
  if (options.tokenStore && (!options.apiBaseUrl || !options.appKey)) {
    problems.push('A tokenStore needs apiBaseUrl and appKey, or ctx.client could not call the API.');
  }
  if (options.oauth) {
    const { clientId, clientSecret, stateSecret } = options.oauth;
    if (!options.tokenStore) problems.push('oauth needs a tokenStore: the redirect route saves the tokens there.');
    if (!clientId || !clientSecret) problems.push('oauth needs clientId and clientSecret from the app registration.');
    if (typeof stateSecret !== 'string' || stateSecret.length < 32)
      problems.push('oauth.stateSecret must be at least 32 characters (openssl rand -base64 32).');
  }
  if (options.autoAckAfterMs !== undefined && !(options.autoAckAfterMs > 0 && options.autoAckAfterMs < 3000)) {
    problems.push('autoAckAfterMs must be between 0 and 3000 ms: the platform gives up after 3 s.');
  }
  if (problems.length > 0) throw new AppConfigError(problems);
}
