import { randomBytes } from 'node:crypto';
import { DELIVERY_ID_HEADER, PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER, signPumble } from '@switchboard/protocol';

/** One request check-app sends, and what a careful app does with it. */
export interface Probe {
  name: string;
  /** What it checks, in a sentence shown with a failure. */
  purpose: string;
  target: 'command' | 'event';
  expect: 'accept' | 'refuse';
  headers: Record<string, string>;
  body: string;
}

export interface ProbeOptions {
  signingSecret: string;
  /** The slash command to send (one the app registered, so its router accepts it). */
  command: string;
  now?: number;
}

/** Timestamps further off than this are stale (PROTOCOL.md 6.1: 5 minutes). */
const STALE_BY_MS = 10 * 60_000;

const id = () => randomBytes(12).toString('hex');

function signed(secret: string, timestamp: number, body: string): Record<string, string> {
  const ts = String(timestamp);
  return {
    'content-type': 'application/json',
    [PUMBLE_TIMESTAMP_HEADER]: ts,
    [PUMBLE_SIGNATURE_HEADER]: signPumble(secret, ts, body),
    [DELIVERY_ID_HEADER]: id(),
  };
}

/**
 * The probes, in the order they are sent: two valid deliveries the app must accept, then
 * requests a verifying app must refuse. Payloads follow PROTOCOL.md 6.2 with made-up ids, so
 * an app that acts on them (replies through the API) fails harmlessly on unknown ids.
 */
export function buildProbes({ signingSecret, command, now = Date.now() }: ProbeOptions): Probe[] {
  const workspaceId = id();
  const userId = id();
  const channelId = id();
  const commandBody = JSON.stringify({
    messageType: 'SLASH_COMMAND',
    slashCommand: command,
    text: 'switchboard check-app probe',
    userId,
    channelId,
    workspaceId,
    triggerId: id(),
  });
  const messageId = id();
  const eventBody = JSON.stringify({
    messageType: 'PUMBLE_EVENT',
    eventType: 'NEW_MESSAGE',
    workspaceId,
    workspaceUserIds: [userId],
    body: JSON.stringify({
      mId: messageId,
      wId: workspaceId,
      cId: channelId,
      trId: '',
      aId: userId,
      tx: 'switchboard check-app probe',
      bl: [],
      ty: 'NEW_MESSAGE',
      ts: new Date(now).toISOString(),
      tsm: now,
      f: [],
      md: [],
      e: false,
      eph: false,
    }),
  });
  const valid = signed(signingSecret, now, commandBody);
  const otherSecret = randomBytes(32).toString('hex');
  const stale = now - STALE_BY_MS;
  return [
    {
      name: 'slash command',
      purpose: 'a valid signed slash command is answered 2xx within 3 s',
      target: 'command',
      expect: 'accept',
      headers: valid,
      body: commandBody,
    },
    {
      name: 'event',
      purpose: 'a valid signed event is accepted (2xx)',
      target: 'event',
      expect: 'accept',
      headers: signed(signingSecret, now, eventBody),
      body: eventBody,
    },
    {
      name: 'wrong signature',
      purpose: 'a request signed with another secret is refused (the app verifies signatures)',
      target: 'command',
      expect: 'refuse',
      headers: signed(otherSecret, now, commandBody),
      body: commandBody,
    },
    {
      name: 'unsigned request',
      purpose: 'a request without signature headers is refused',
      target: 'command',
      expect: 'refuse',
      headers: { 'content-type': 'application/json' },
      body: commandBody,
    },
    {
      name: 'stale timestamp',
      purpose: 'a correctly signed request from 10 minutes ago is refused (timestamps older than 5 minutes)',
      target: 'command',
      expect: 'refuse',
      headers: signed(signingSecret, stale, commandBody),
      body: commandBody,
    },
    {
      // Byte for byte the slash command above, seconds later. The platform signs every attempt
      // afresh, so an identical request can only be a replay; the delivery id header is not
      // signed, so de-duplicating by it alone does not stop one.
      name: 'replayed request',
      purpose: 'the exact same signed request sent again is refused (the app remembers signatures it has seen)',
      target: 'command',
      expect: 'refuse',
      headers: valid,
      body: commandBody,
    },
    {
      name: 're-timestamped request',
      purpose: 'an old signed request with its timestamp moved to now is refused (the signature covers the timestamp)',
      target: 'command',
      expect: 'refuse',
      headers: { ...signed(signingSecret, stale, commandBody), [PUMBLE_TIMESTAMP_HEADER]: String(now) },
      body: commandBody,
    },
    {
      name: 'malformed JSON',
      purpose: 'a correctly signed body that is not JSON is refused with 4xx (not a crash, not a 2xx)',
      target: 'event',
      expect: 'refuse',
      headers: signed(signingSecret, now, '{"messageType": "SLASH_COMMAND",'),
      body: '{"messageType": "SLASH_COMMAND",',
    },
  ];
}
