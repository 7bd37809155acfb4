import { WebhookEvent } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { toAppEvent } from '../../src/events/event-bodies.js';
import { WEBHOOK_EVENTS, webhookPayload } from '../../src/webhooks/webhook-events.js';

const NOW = 1_763_900_000_000;

describe('webhooks: Watson event payloads', () => {
  it('maps every subscribable name to a platform event', () => {
    expect(WEBHOOK_EVENTS).toEqual({
      'message-created': 'NEW_MESSAGE',
      'message-edited': 'UPDATED_MESSAGE',
      'message-deleted': 'DELETED_MESSAGE',
      'reaction-added': 'REACTION_ADDED',
      'space-created': 'CHANNEL_CREATED',
      'space-archived': 'CHANNEL_ARCHIVED',
    });
  });

  it('builds flat payloads from chat changes', () => {
    const message = {
      id: 'M1',
      workspaceId: 'W',
      channelId: 'C',
      author: 'U',
      text: 'hi',
      timestamp: 't',
      timestampMilli: 5,
      threadReplyInfo: { rootId: 'R' },
    };
    const created = toAppEvent({ type: 'message.created', workspaceId: 'W', audience: { channelId: 'C' }, data: { message } });
    expect(created && webhookPayload(created, 'W', NOW)).toEqual({
      type: 'message-created',
      messageId: 'M1',
      channelId: 'C',
      spaceId: 'C',
      workspaceId: 'W',
      userId: 'U',
      content: 'hi',
      threadRootId: 'R',
      time: 5,
    });
    const deleted = toAppEvent({ type: 'message.deleted', workspaceId: 'W', audience: { channelId: 'C' }, data: { messageId: 'M1', channelId: 'C' } });
    expect(deleted && webhookPayload(deleted, 'W', NOW)).toEqual({
      type: 'message-deleted',
      messageId: 'M1',
      channelId: 'C',
      spaceId: 'C',
      workspaceId: 'W',
      time: NOW,
    });
    const reaction = toAppEvent({
      type: 'reaction.added',
      workspaceId: 'W',
      audience: { channelId: 'C' },
      data: { messageId: 'M1', channelId: 'C', messageAuthorId: 'A', userId: 'U', code: ':+1:' },
    });
    expect(reaction && webhookPayload(reaction, 'W', NOW)).toEqual({
      type: 'reaction-added',
      messageId: 'M1',
      channelId: 'C',
      spaceId: 'C',
      workspaceId: 'W',
      userId: 'U',
      reaction: ':+1:',
      messageAuthorId: 'A',
      time: NOW,
    });
    const space = toAppEvent({
      type: 'channel.created',
      workspaceId: 'W',
      audience: { workspaceId: 'W' },
      data: { channel: { id: 'C', name: 'news', channelType: 'PUBLIC' }, users: ['U'] },
    });
    expect(space && webhookPayload(space, 'W', NOW)).toEqual({
      type: 'space-created',
      channelId: 'C',
      spaceId: 'C',
      workspaceId: 'W',
      spaceName: 'news',
      spaceType: 'PUBLIC',
      memberIds: ['U'],
      time: NOW,
    });
  });

  it("builds what protocol's WebhookEvent schema (the SDK's parser) accepts, and nothing it refuses", () => {
    const message = { id: 'M1', workspaceId: 'W', channelId: 'C', author: 'U', text: 'hi', timestamp: 't', timestampMilli: 5 };
    const drafts = [
      toAppEvent({ type: 'message.created', workspaceId: 'W', audience: { channelId: 'C' }, data: { message } }),
      toAppEvent({ type: 'message.deleted', workspaceId: 'W', audience: { channelId: 'C' }, data: { messageId: 'M1', channelId: 'C' } }),
      toAppEvent({
        type: 'channel.created',
        workspaceId: 'W',
        audience: { workspaceId: 'W' },
        data: { channel: { id: 'C', name: 'news', channelType: 'PUBLIC' }, users: ['U'] },
      }),
    ];
    for (const draft of drafts) {
      const payload = draft && webhookPayload(draft, 'W', NOW);
      expect(WebhookEvent.safeParse(payload).success, JSON.stringify(payload)).toBe(true);
    }
    expect(WebhookEvent.safeParse({ type: 'message-created', messageId: 'M1' }).success).toBe(false);
  });
});
