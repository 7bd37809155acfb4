import { PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER, signPumble } from '@switchboard/protocol';
import { Agent, request } from 'undici';
import type { Clock } from '../clock.js';

/** Apps must answer a trigger within 3 seconds (PROTOCOL.md 6.3). */
export const TRIGGER_DEADLINE_MS = 3_000;

export type TriggerAnswer = { kind: 'answered'; status: number; body: unknown } | { kind: 'unreachable'; reason: string };

/**
 * Sends one signed trigger (slash command, shortcut, interaction) and waits for the app's
 * answer. Unlike events, nothing is retried: the person is waiting.
 */
export class TriggerSender {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

  constructor(private readonly clock: Clock) {}

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
      return { kind: 'unreachable', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
