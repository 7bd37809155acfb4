import { PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER, signPumble } from '@switchboard/protocol';

/** A `/echo` SLASH_COMMAND body, signed now with `secret`, as the platform would send it. */
export function signedEchoCommand(n: number, secret: string, deliveryId: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    messageType: 'SLASH_COMMAND',
    slashCommand: '/echo',
    text: `hello ${n}`,
    userId: 'U01',
    channelId: 'C01',
    workspaceId: 'W01',
    triggerId: `T${n}`,
  });
  const timestamp = String(Date.now());
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [PUMBLE_TIMESTAMP_HEADER]: timestamp,
      [PUMBLE_SIGNATURE_HEADER]: signPumble(secret, timestamp, body),
      'x-switchboard-delivery-id': deliveryId,
    },
  };
}
