import { type RelayEventFrame, type RelayTriggerFrame, relayFrameBody } from '@switchboard/protocol';
import type { TokenProvider } from '../client/auth.js';
import { createDeliveryEndpoint, type DeliveryEndpoint, type HttpReply } from './http-delivery.js';
import type { Receiver, ReceiverHost } from './receiver.js';
import { RelayConnection, type RelayConnectionState } from './relay-connection.js';

export interface RelayReceiverOptions {
  /** The relay's base URL (where `switchboard relay` listens). */
  relayUrl: string;
  appId: string;
  /** The app's identity tokens, e.g. `new AppTokenManager({ baseUrl, appId, clientSecret })`. */
  tokens: TokenProvider;
  /** Verifies Pumble deliveries on their original bytes (the app's signing secret; several while rotating). */
  signingSecret?: string | readonly string[];
  /** Verifies Watson webhook events (the webhook's secret). */
  webhookSecret?: string;
  /** Accepted signature clock skew, measured from when the relay received the hook. Default 5 minutes. */
  toleranceMs?: number;
  /** Silence after which the relay is presumed gone. Default 45 s. */
  silenceTimeoutMs?: number;
  /** Reconnect delays, doubling with jitter. Defaults 500 ms / 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/**
 * The third receiver beside HTTP and socket mode: an app with no public URL takes its events and
 * triggers from the relay (PROTOCOL.md 9). Each frame carries the platform's original headers and
 * bytes, so the signature is checked exactly as the HTTP receiver checks it, then the delivery runs
 * through the same dispatch. An event is acked only after its handlers finished; a trigger's answer
 * goes back to the relay, which answers the platform.
 * @example
 * const tokens = new AppTokenManager({ baseUrl: platformUrl, appId, clientSecret });
 * const receiver = new RelayReceiver({ relayUrl, appId, tokens, signingSecret });
 * const app = createApp({ manifest, signingSecret, receiver, tokenStore, apiBaseUrl: platformUrl, appKey });
 * await app.start();
 */
export class RelayReceiver implements Receiver {
  private readonly endpoint: DeliveryEndpoint;
  private connection: RelayConnection | undefined;
  private host: ReceiverHost | undefined;
  /** The clock the verifier reads: set per frame (an event's age is measured from its arrival at the relay). */
  private verifyAt = 0;

  constructor(private readonly options: RelayReceiverOptions) {
    const signingSecret = options.signingSecret ?? options.webhookSecret;
    if (signingSecret === undefined) throw new TypeError('RelayReceiver needs signingSecret or webhookSecret: every relayed delivery is verified.');
    this.endpoint = createDeliveryEndpoint({
      signingSecret,
      webhookSecret: options.webhookSecret,
      toleranceMs: options.toleranceMs,
      now: () => this.verifyAt,
      // The relay's connection is authenticated and its re-sends are deliberate (an ack timeout, a
      // replay): duplicates are caught by delivery id instead of refused by signature.
      refuseReplays: false,
    });
  }

  get status(): RelayConnectionState {
    return this.connection?.status ?? 'idle';
  }

  /** Resolves once connected to the relay. @example await receiver.whenOpen(); */
  whenOpen(): Promise<void> {
    if (!this.connection) throw new Error('The relay receiver is not started.');
    return this.connection.whenOpen();
  }

  async start(host: ReceiverHost): Promise<void> {
    this.host = host;
    this.connection = new RelayConnection(this.options, {
      onEvent: (frame) => this.runEvent(frame),
      onTrigger: (frame) => this.runTrigger(frame),
      onError: (error) => host.reportError(error),
    });
    await this.connection.start();
  }

  /** Closes the connection and every timer. @example await app.stop(); */
  async stop(): Promise<void> {
    await this.connection?.stop();
  }

  /** Verifies and dispatches one event; true (ack) once its handlers are done. */
  private async runEvent(frame: RelayEventFrame): Promise<boolean> {
    let handled: Promise<void> | undefined;
    const reply = this.dispatch(frame, frame.receivedAt, (promise) => {
      handled = promise;
    });
    await handled;
    const answer = await reply;
    if (answer.status >= 400) {
      // Not acking would have the relay re-send it forever; it stays listed for replay.
      this.host?.reportError(new Error(`A relayed event was refused (${answer.status} ${answer.body}); acked so it is not re-sent.`));
    }
    return true;
  }

  private async runTrigger(frame: RelayTriggerFrame): Promise<{ status: number; body: unknown }> {
    const answer = await this.dispatch(frame, Date.now(), () => {});
    let body: unknown = {};
    try {
      body = answer.body ? JSON.parse(answer.body) : {};
    } catch {
      body = {};
    }
    return { status: answer.status, body };
  }

  /**
   * Runs one frame through the shared HTTP delivery endpoint (verification, challenge, dispatch).
   * `track` gets the handlers' promise, which resolves after the first reply for events.
   */
  private dispatch(frame: RelayEventFrame | RelayTriggerFrame, verifyAt: number, track: (handled: Promise<void>) => void): Promise<HttpReply> {
    const host = this.host;
    if (!host) return Promise.resolve({ status: 503, headers: {}, body: '' });
    const tracking: ReceiverHost = {
      handle: (delivery, ack) => {
        const done = host.handle(delivery, ack);
        track(done);
        return done;
      },
      reportError: (error) => host.reportError(error),
    };
    return new Promise<HttpReply>((resolve) => {
      // The verifier reads the clock synchronously inside this call.
      this.verifyAt = verifyAt;
      this.endpoint({ headers: frame.headers, rawBody: relayFrameBody(frame) }, tracking, resolve);
    });
  }
}
