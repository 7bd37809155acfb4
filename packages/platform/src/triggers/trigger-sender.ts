import { PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER, signPumble } from '@switchboard/protocol';
import { request } from 'undici';
import type { Clock } from '../clock.js';
import { guardedAgent, isForbiddenTarget, OutboundPolicy } from '../outbound/index.js';

/** Apps must answer a trigger within 3 seconds (PROTOCOL.md 6.3). */
export const TRIGGER_DEADLINE_MS = 3_000;

export type TriggerAnswer = { kind: 'answered'; status: number; body: unknown } | { kind: 'unreachable'; reason: string };

/**
 * Sends one signed trigger (slash command, shortcut, interaction) and waits for the app's
 * answer. Unlike events, nothing is retried: the person is waiting. A target the outbound
 * policy refuses is `unreachable` with reason `target_forbidden` (the person sees the offline
 * message); redirects are never followed (a 3xx is an answer like any other non-2xx).
 */
export class TriggerSender {
  private readonly agent;

  constructor(
    private readonly clock: Clock,
    outbound: OutboundPolicy = OutboundPolicy.strict,
  ) {
    this.agent = guardedAgent(outbound, { keepAliveTimeout: 30_000, connections: 64 });
  }

  async send(url: string, signingSecrets: { current: string; previous?: string }, payload: unknown, deadlineMs = TRIGGER_DEADLINE_MS): Promise<TriggerAnswer> {
    const body = JSON.stringify(payload);
    const timestamp = String(this.clock.now());
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [PUMBLE_TIMESTAMP_HEADER]: timestamp,
      [PUMBLE_SIGNATURE_HEADER]: signPumble(signingSecrets.current, timestamp, body),
    };
    if (signingSecrets.previous) headers['x-switchboard-signature-previous'] = signPumble(signingSecrets.previous, timestamp, body);
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: deadlineMs,
        bodyTimeout: deadlineMs,
        signal: AbortSignal.timeout(deadlineMs),
      });
      const text = await response.body.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        parsed = null;
      }
      return { kind: 'answered', status: response.statusCode, body: parsed };
    } catch (error) {
      if (isForbiddenTarget(error)) return { kind: 'unreachable', reason: error.code };
      return { kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
