import { type BlockInteractionSourceType, SwitchboardError } from '@switchboard/protocol';
import type { PersonActor } from '../auth/actor.js';
import type { ChannelsService } from '../chat/channels/channels-service.js';
import type { MessagesService } from '../chat/messages/messages-service.js';
import type { TriggerViewsTable } from '../store/schema.js';
import type { EphemeralBlocks } from './ephemeral-blocks.js';
import type { InstalledApp, InstalledApps } from './installed-apps.js';
import { blocksOf, type ViewsService } from './views-service.js';

/** What a person acted on, resolved and checked: the app that authored it and its blocks. */
export interface ResolvedSource {
  target: InstalledApp;
  blocks: unknown[];
  channelId?: string;
  threadRootId?: string;
  /** For VIEW sources. */
  view?: TriggerViewsTable;
}

/**
 * Resolves the message or view a person clicked or typed in. Every failure is a 404, so a
 * person cannot tell a message they may not see from one that does not exist: a message must
 * be visible to them (channel readable, not deleted) and authored by an installed app's bot;
 * an ephemeral message must have been shown to them (see EphemeralBlocks); a view must be open
 * and theirs.
 */
export class InteractionSources {
  constructor(
    private readonly messages: MessagesService,
    private readonly channels: ChannelsService,
    private readonly installed: InstalledApps,
    private readonly views: ViewsService,
    private readonly ephemerals: EphemeralBlocks,
  ) {}

  async resolve(caller: PersonActor, source: { sourceType: BlockInteractionSourceType; sourceId: string; channelId?: string }): Promise<ResolvedSource> {
    switch (source.sourceType) {
      case 'MESSAGE': {
        if (!source.channelId) throw new SwitchboardError('validation_failed', 'A MESSAGE source needs its channelId.');
        const message = await this.messages.get(caller, source.channelId, source.sourceId);
        const target = await this.installed.byBotUser(caller.workspaceId, message.author);
        if (!target) throw new SwitchboardError('not_found', 'No app message with that id.');
        const threadRootId = message.threadReplyInfo?.rootId;
        return { target, blocks: message.blocks ?? [], channelId: source.channelId, ...(threadRootId ? { threadRootId } : {}) };
      }
      case 'VIEW': {
        const view = await this.views.openOf(caller.userId, source.sourceId);
        const target = await this.installed.byId(caller.workspaceId, view.app_id);
        if (!target) throw new SwitchboardError('not_found', 'No such open view.');
        return { target, blocks: blocksOf(view), view, ...(view.channel_id ? { channelId: view.channel_id } : {}) };
      }
      case 'EPHEMERAL_MESSAGE': {
        if (!source.channelId) throw new SwitchboardError('validation_failed', 'An EPHEMERAL_MESSAGE source needs its channelId.');
        // Shown to this person, and still readable for them (they may have left the channel since).
        const row = await this.ephemerals.find(source.sourceId, source.channelId, caller.userId);
        if (!row) throw new SwitchboardError('not_found', 'No app message with that id.');
        await this.channels.readable(caller, source.channelId);
        const target = await this.installed.byBotUser(caller.workspaceId, row.author_id);
        if (!target) throw new SwitchboardError('not_found', 'No app message with that id.');
        return {
          target,
          blocks: JSON.parse(row.blocks) as unknown[],
          channelId: source.channelId,
          ...(row.thread_root_id ? { threadRootId: row.thread_root_id } : {}),
        };
      }
    }
  }
}
