import { randomUUID } from 'node:crypto';
import { type InvokeShortcutBody, type ShortcutInfo, type ShortcutListQuery, SwitchboardError, type TriggerResult } from '@switchboard/protocol';
import type { PersonActor } from '../auth/actor.js';
import type { ChannelsService } from '../chat/channels/channels-service.js';
import type { MessagesService } from '../chat/messages/messages-service.js';
import type { InstalledApps } from './installed-apps.js';
import { type TriggerRunner, toTriggerResult } from './trigger-runner.js';

/**
 * Shortcuts (PROTOCOL.md 6.2): GLOBAL ones are offered in a channel, ON_MESSAGE ones on a
 * message the person can see. Invoking one sends the SHORTCUT payload to the shortcut's url.
 */
export class Shortcuts {
  constructor(
    private readonly channels: ChannelsService,
    private readonly messages: MessagesService,
    private readonly installed: InstalledApps,
    private readonly runner: TriggerRunner,
  ) {}

  /** What the person can use here: GLOBAL ones for a channel, ON_MESSAGE ones with `messageId`. */
  async list(caller: PersonActor, query: ShortcutListQuery): Promise<ShortcutInfo[]> {
    await this.place(caller, query.channelId, query.messageId);
    const shortcutType = query.messageId ? 'ON_MESSAGE' : 'GLOBAL';
    const list: ShortcutInfo[] = [];
    for (const { app, manifest } of await this.installed.of(caller.workspaceId)) {
      for (const s of manifest.shortcuts) {
        if (s.shortcutType !== shortcutType) continue;
        list.push({
          appId: app.id,
          appName: manifest.displayName,
          shortcutType,
          name: s.name,
          displayName: s.displayName,
          ...(s.description ? { description: s.description } : {}),
        });
      }
    }
    return list;
  }

  async invoke(caller: PersonActor, body: InvokeShortcutBody): Promise<TriggerResult> {
    const target = await this.installed.byId(caller.workspaceId, body.appId);
    const shortcut = target?.manifest.shortcuts.find((s) => s.name === body.name);
    if (!target || !shortcut) throw new SwitchboardError('not_found', 'No such shortcut among the apps installed in this workspace.');
    const onMessage = shortcut.shortcutType === 'ON_MESSAGE';
    if (onMessage !== (body.messageId !== undefined)) {
      throw new SwitchboardError(
        'validation_failed',
        onMessage ? 'This shortcut is used on a message: send messageId.' : 'A GLOBAL shortcut takes no messageId.',
      );
    }
    if (onMessage && body.threadRootId) throw new SwitchboardError('validation_failed', 'An ON_MESSAGE shortcut takes no threadRootId.');
    await this.place(caller, body.channelId, body.messageId ?? body.threadRootId);
    const triggerId = randomUUID();
    // Field order and presence exactly as PROTOCOL.md 6.2 shows them.
    const payload = onMessage
      ? {
          messageType: 'SHORTCUT',
          type: 'ON_MESSAGE',
          shortcut: shortcut.name,
          messageId: body.messageId,
          userId: caller.userId,
          channelId: body.channelId,
          workspaceId: caller.workspaceId,
          triggerId,
        }
      : {
          messageType: 'SHORTCUT',
          type: 'GLOBAL',
          shortcut: shortcut.name,
          userId: caller.userId,
          channelId: body.channelId,
          ...(body.threadRootId ? { threadRootId: body.threadRootId } : {}),
          workspaceId: caller.workspaceId,
          triggerId,
        };
    const place = { workspaceId: caller.workspaceId, userId: caller.userId, channelId: body.channelId, threadRootId: body.threadRootId };
    const result = await this.runner.run({ target, url: shortcut.url, place, triggerId }, payload);
    return toTriggerResult(triggerId, target.app.id, result);
  }

  /** The channel must be readable, and the message (if any) visible in it: 404 otherwise. */
  private async place(caller: PersonActor, channelId: string, messageId: string | undefined): Promise<void> {
    if (messageId) await this.messages.get(caller, channelId, messageId);
    else await this.channels.readable(caller, channelId);
  }
}
