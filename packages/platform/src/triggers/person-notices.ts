import type { Message } from '@switchboard/protocol';
import type { ChangeBus } from '../chat/changes.js';
import type { Clock } from '../clock.js';
import { newId } from '../store/ids.js';

/** Where a trigger happened, for telling the person who started it. */
export interface NoticePlace {
  workspaceId: string;
  userId: string;
  channelId?: string;
  threadRootId?: string;
}

/**
 * What a person sees of an app's answer to their trigger: an ephemeral message (never
 * stored) and their views, pushed to that person only over /v1/realtime.
 */
export class PersonNotices {
  constructor(
    private readonly bus: ChangeBus,
    private readonly clock: Clock,
  ) {}

  /** An ephemeral message to the person; without a channel (a view outside one) there is nowhere to show it. */
  tell(place: NoticePlace, author: string, text: string): void {
    if (!place.channelId) return;
    const now = this.clock.now();
    const message: Message = {
      id: newId(now),
      workspaceId: place.workspaceId,
      channelId: place.channelId,
      author,
      text,
      timestamp: new Date(now).toISOString(),
      timestampMilli: now,
      ephemeral: true,
      ...(place.threadRootId ? { threadReplyInfo: { rootId: place.threadRootId } } : {}),
    };
    this.bus.publish([{ type: 'message.ephemeral', workspaceId: place.workspaceId, audience: { userIds: [place.userId] }, data: { message } }]);
  }

  /** A realtime frame (`view.*`, `interaction.completed`) to the person alone. */
  push(workspaceId: string, userId: string, type: 'view.opened' | 'view.updated' | 'view.closed' | 'interaction.completed', data: unknown): void {
    this.bus.publish([{ type, workspaceId, audience: { userIds: [userId] }, data }]);
  }
}
