import { describe, expect, it } from 'vitest';
import { BlockActionBody, InteractionCompleteBody, MenuOptionsResult, TriggerResult } from './interactions.js';
import { parseSocketAppReply } from './socket-frames.js';

describe('person-facing interaction schemas', () => {
  it('a click names its source and element; unknown source types and oversized ids are refused', () => {
    expect(BlockActionBody.safeParse({ sourceType: 'MESSAGE', sourceId: 'm', channelId: 'c', onAction: 'go' }).success).toBe(true);
    expect(BlockActionBody.safeParse({ sourceType: 'NOTE', sourceId: 'm', onAction: 'go' }).success).toBe(false);
    expect(BlockActionBody.safeParse({ sourceType: 'VIEW', sourceId: 'x'.repeat(65), onAction: 'go' }).success).toBe(false);
    expect(BlockActionBody.safeParse({ sourceType: 'VIEW', sourceId: 'v', onAction: '' }).success).toBe(false);
  });

  it("/v1/interactions/complete takes the Pumble fields; menu results carry the app's failure as data", () => {
    expect(InteractionCompleteBody.parse({ channelId: 'c', sourceId: 'm', sourceType: 'EPHEMERAL_MESSAGE', triggerId: 't' })).toEqual({
      channelId: 'c',
      sourceId: 'm',
      sourceType: 'EPHEMERAL_MESSAGE',
      triggerId: 't',
    });
    expect(MenuOptionsResult.safeParse({ options: [], error: { code: 'invalid_reply', message: 'm' } }).success).toBe(true);
    expect(MenuOptionsResult.safeParse({ options: [], error: { code: 'bad_gateway', message: 'm' } }).success).toBe(false);
    expect(TriggerResult.safeParse({ outcome: 'offline', triggerId: 't', appId: 'a' }).success).toBe(true);
    expect(TriggerResult.safeParse({ outcome: 'lost', triggerId: 't', appId: 'a' }).success).toBe(false);
  });

  it('a socket reply may carry view errors (ours) next to modal and menu bodies', () => {
    const reply = parseSocketAppReply(JSON.stringify({ correlation_id: 'c', status: 200, body: { errors: { reason: 'Say why' } } }));
    expect(reply).toEqual({ ok: true, frame: { correlation_id: 'c', status: 200, body: { errors: { reason: 'Say why' } } } });
    expect(parseSocketAppReply(JSON.stringify({ correlation_id: 'c', status: 200, body: { errors: { reason: 1 } } })).ok).toBe(false);
  });
});
