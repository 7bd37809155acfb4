import {
  PUMBLE_SIGNATURE_HEADER,
  PUMBLE_TIMESTAMP_HEADER,
  type RelayEventFrame,
  type RelayTriggerFrame,
  relayFrameBody,
  signPumble,
} from '@switchboard/protocol';
import { AppTokenManager, RelayConnection, type TokenProvider } from '@switchboard/sdk';
import { Command, Option } from 'commander';
import { appsApi } from '../api/apps.js';
import { ApiClient } from '../api/client.js';
import { CliError, ExitCode } from '../api/errors.js';
import { action } from '../api/output.js';
import { currentSession, normaliseUrl, platformUrl } from '../credentials/session.js';
import { appContext } from './apps-context.js';
import { stopOnSignals } from './stop-on-signals.js';

/** Headers not forwarded: the local connection has its own. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);
/** A trigger's local answer must come back before the relay's 2.5 s deadline. */
const TRIGGER_TIMEOUT_MS = 2_300;
const EVENT_TIMEOUT_MS = 10_000;
/** A Pumble signature older than this is renewed before forwarding (the app refuses them past 5 minutes). */
const RESIGN_AFTER_MS = 60_000;

export interface ListenOptions {
  relayUrl: string;
  appId: string;
  tokens: TokenProvider;
  /** The local app's URL: every event and trigger is POSTed there with its original headers and bytes. */
  forward: string;
  /**
   * The app's signing secret, when known: an event that waited in the queue (or is replayed) gets a
   * fresh Pumble timestamp and signature, so the app's freshness and replay checks pass.
   */
  signingSecret?: string;
  /** One line per delivery; default stdout. */
  print?: (line: string) => void;
  onError?: (error: unknown) => void;
}

export interface Listener {
  connection: RelayConnection;
  stop(): Promise<void>;
}

function forwardedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_HEADERS.has(name)));
}

/** The same request signed now with `secret` (only for Pumble-signed requests; Watson tokens carry no time). */
function resigned(headers: Record<string, string>, body: Uint8Array, secret: string): Record<string, string> {
  if (headers[PUMBLE_SIGNATURE_HEADER] === undefined) return headers;
  const timestamp = String(Date.now());
  const { 'x-switchboard-signature-previous': _previous, ...rest } = headers;
  return { ...rest, [PUMBLE_TIMESTAMP_HEADER]: timestamp, [PUMBLE_SIGNATURE_HEADER]: signPumble(secret, timestamp, body) };
}

function isStale(headers: Record<string, string>): boolean {
  const sentAt = Number(headers[PUMBLE_TIMESTAMP_HEADER]);
  return Number.isFinite(sentAt) && Date.now() - sentAt > RESIGN_AFTER_MS;
}

function clock(): string {
  return new Date().toISOString().slice(11, 23);
}

/**
 * The dev tunnel: takes the app's events and triggers from the relay and POSTs each to the local
 * app exactly as the platform sent it (headers and raw bytes, so its own signature check passes).
 * An event is acked only after the app answered 2xx; anything else leaves it queued and the relay
 * sends it again. A trigger's answer goes back to the platform through the relay.
 * @example const listener = await startListening({ relayUrl, appId, tokens, forward: 'http://localhost:3000/hook' });
 */
export async function startListening(options: ListenOptions): Promise<Listener> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const send = async (headers: Record<string, string>, body: Uint8Array<ArrayBuffer>, timeoutMs: number) => {
    const response = await fetch(options.forward, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, text: await response.text() };
  };
  const post = async (frame: RelayEventFrame | RelayTriggerFrame, timeoutMs: number) => {
    const started = performance.now();
    const body: Uint8Array<ArrayBuffer> = new Uint8Array(relayFrameBody(frame));
    const secret = options.signingSecret;
    let headers = forwardedHeaders(frame.headers);
    if (secret && isStale(headers)) headers = resigned(headers, body, secret);
    try {
      let answer = await send(headers, body, timeoutMs);
      // The app already took these exact signed bytes (a re-send or a replay).
      if (answer.status === 409 && answer.text.includes('replayed_request')) {
        if (secret) answer = await send(resigned(headers, body, secret), body, timeoutMs);
        else answer = { status: 200, text: '{}' };
      }
      const ms = Math.round(performance.now() - started);
      print(`${clock()}  ${frame.type.padEnd(7)}  ${frame.id}  → ${answer.status}  ${ms} ms`);
      return answer;
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      print(`${clock()}  ${frame.type.padEnd(7)}  ${frame.id}  → ${reason}  ${ms} ms (stays queued, sent again later)`);
      return undefined;
    }
  };
  const connection = new RelayConnection(
    { relayUrl: options.relayUrl, appId: options.appId, tokens: options.tokens },
    {
      onEvent: async (frame) => {
        const answer = await post(frame, EVENT_TIMEOUT_MS);
        return answer !== undefined && answer.status >= 200 && answer.status < 300;
      },
      onTrigger: async (frame) => {
        const answer = await post(frame, TRIGGER_TIMEOUT_MS);
        if (!answer) return { status: 503, body: { message: 'The local app did not answer.' } };
        let body: unknown = {};
        try {
          body = answer.text ? JSON.parse(answer.text) : {};
        } catch {
          body = {};
        }
        return { status: answer.status, body };
      },
      onError: options.onError ?? ((error) => process.stderr.write(`relay: ${error instanceof Error ? error.message : String(error)}\n`)),
    },
  );
  await connection.start();
  return { connection, stop: () => connection.stop() };
}

/** `POST /webhooks/:appId/events/:id/replay`: the event is queued again and comes back over the connection. */
export async function replayEvent(relayUrl: string, appId: string, eventId: string, tokens: TokenProvider): Promise<void> {
  const url = `${relayUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(appId)}/events/${encodeURIComponent(eventId)}/replay`;
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${await tokens.getToken()}` } });
  if (response.status === 202) return;
  const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
  throw new CliError(
    `The relay refused the replay (${response.status} ${body.code ?? ''}): ${body.message ?? ''}`,
    response.status === 404 ? ExitCode.NotFound : ExitCode.Failed,
  );
}

/** The app's secrets: given, or read with the signed-in person's session (the app's owner). */
async function secretsOf(appId: string, given: string | undefined, url: string | undefined): Promise<{ clientSecret: string; signingSecret?: string }> {
  const signingSecret = process.env.SWITCHBOARD_SIGNING_SECRET || undefined;
  if (given) return { clientSecret: given, signingSecret };
  const client = ApiClient.forSession(currentSession(url));
  const app = await appsApi.get(client, appId);
  return { clientSecret: app.clientSecret, signingSecret: signingSecret ?? app.signingSecret };
}

/** `switchboard listen`: forwards the relay's events and triggers to a local app. */
export function listenCommand(): Command {
  return new Command('listen')
    .description('Forward an app’s events and triggers from a relay to a local URL (no public URL needed, nothing lost).')
    .addOption(new Option('--relay <url>', 'the relay’s base URL').env('SWITCHBOARD_RELAY_URL').makeOptionMandatory())
    .option('--app <id>', 'the app (default: this folder’s app)')
    .addOption(new Option('--forward <url>', 'where the local app takes deliveries, e.g. http://localhost:3000/hook').makeOptionMandatory())
    .addOption(new Option('--url <url>', 'the platform (issues the app’s token); default the signed-in one').env('SWITCHBOARD_URL'))
    .addOption(new Option('--client-secret <secret>', 'the app’s client secret; default read with your session').env('SWITCHBOARD_CLIENT_SECRET'))
    .option('--replay <eventId>', 'queue a past event again first (see GET /webhooks/:appId/events)')
    .action(
      action(async (options: { relay: string; app?: string; forward: string; url?: string; clientSecret?: string; replay?: string }) => {
        const relayUrl = normaliseUrl(options.relay);
        const forward = normaliseUrl(options.forward);
        const appId = options.app ?? (options.clientSecret ? undefined : appContext().appId);
        if (!appId) throw new CliError('Which app? Pass --app <id>.', ExitCode.Usage);
        const baseUrl = platformUrl(options.url);
        if (!baseUrl)
          throw new CliError('Which platform issues the app’s token?', ExitCode.Usage, 'Pass --url, set SWITCHBOARD_URL, or run `switchboard login`.');
        const { clientSecret, signingSecret } = await secretsOf(appId, options.clientSecret, options.url);
        const tokens = new AppTokenManager({ baseUrl, appId, clientSecret });
        await tokens.getToken();
        if (options.replay) {
          await replayEvent(relayUrl, appId, options.replay, tokens);
          process.stdout.write(`Queued ${options.replay} again.\n`);
        }
        const listener = await startListening({ relayUrl, appId, tokens, forward, signingSecret });
        stopOnSignals(() => listener.stop());
        process.stdout.write(`Forwarding ${appId}'s deliveries from ${relayUrl} to ${forward} (Ctrl-C to stop).\n`);
      }),
    );
}
