import type { Manifest } from '@switchboard/protocol';
import { signingSecretsOf } from '../apps/app-secrets.js';
import type { Clock } from '../clock.js';
import { type DeliveryFeed, triggerKind } from '../delivery-ops/delivery-feed.js';
import type { SecretBox } from '../security/secret-box.js';
import type { SocketTriggers } from '../socket/socket-mode.js';
import type { InstalledApp } from './installed-apps.js';
import { TRIGGER_DEADLINE_MS, type TriggerAnswer, type TriggerSender } from './trigger-sender.js';

/** How an app answered a trigger, in PROTOCOL.md 6.3 terms. */
export type AnswerKind = 'acked' | 'nacked' | 'offline';

export interface ClassifiedAnswer {
  kind: AnswerKind;
  /** The text to show the person (an ack or nack message), when the app gave one. */
  message?: string;
  /** The 2xx body (modal, menu or errors reply); `{}` otherwise. */
  body: Record<string, unknown>;
}

/** The sentence shown when the app does not answer in time, refuses the connection or fails (5xx). */
export function offlineMessageOf(manifest: Manifest): string {
  return manifest.offlineMessage ?? `${manifest.displayName} is not responding right now. Please try again later.`;
}

/**
 * 2xx → acked; a non-2xx below 500 carrying a message → nacked; everything else (5xx, no
 * answer, refused, a 4xx with nothing to show) → offline.
 */
export function classifyAnswer(answer: TriggerAnswer): ClassifiedAnswer {
  if (answer.kind !== 'answered') return { kind: 'offline', body: {} };
  const body = isObject(answer.body) ? answer.body : {};
  const message = typeof body.message === 'string' ? body.message : undefined;
  if (answer.status >= 200 && answer.status < 300) return { kind: 'acked', body, ...(message !== undefined ? { message } : {}) };
  if (answer.status < 500 && message) return { kind: 'nacked', message, body: {} };
  return { kind: 'offline', body: {} };
}

/**
 * Sends one trigger payload to an app the way its manifest says: a signed POST through
 * `TriggerSender` (the same path, and outbound guard, for every trigger type), or a frame on
 * its socket-mode connection (PROTOCOL.md 7), and waits at most the trigger deadline.
 */
export class TriggerDelivery {
  constructor(
    private readonly box: SecretBox,
    private readonly sender: TriggerSender,
    private readonly clock: Clock,
    private readonly socketTriggers?: SocketTriggers,
    readonly deadlineMs = TRIGGER_DEADLINE_MS,
    private readonly feed?: DeliveryFeed,
  ) {}

  async send(target: InstalledApp, url: string, payload: Record<string, unknown>): Promise<ClassifiedAnswer> {
    const began = performance.now();
    const socket = target.manifest.socketMode === true;
    const answer = socket
      ? await this.overSocket(target.app.id, payload)
      : await this.sender.send(url, signingSecretsOf(this.box, target.app, this.clock.now()), payload, this.deadlineMs);
    if (this.feed?.active) {
      this.feed.publish({
        appId: target.app.id,
        kind: triggerKind(payload),
        transport: socket ? 'socket' : 'http',
        status: answer.kind === 'answered' ? answer.status : undefined,
        latencyMs: performance.now() - began,
        ...(answer.kind === 'answered' ? {} : { error: answer.reason }),
      });
    }
    return classifyAnswer(answer);
  }

  /** The same answer as over HTTP, from the app's socket-mode connection on this node or another one. */
  private async overSocket(appId: string, payload: unknown): Promise<TriggerAnswer> {
    if (!this.socketTriggers) return { kind: 'unreachable', reason: 'socket mode is not available' };
    const answer = await this.socketTriggers.request(appId, payload, this.deadlineMs);
    if (answer.kind === 'unreachable') return answer;
    const { status, message, body } = answer.reply;
    return { kind: 'answered', status, body: { ...(body ?? {}), ...(message !== undefined ? { message } : {}) } };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
