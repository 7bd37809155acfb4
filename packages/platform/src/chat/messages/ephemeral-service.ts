import { type Message, type PostMessageBody, SwitchboardError } from '@switchboard/protocol';
import type { Clock } from '../../clock.js';
import { newId } from '../../store/ids.js';
import type { ChangeBus } from '../changes.js';
import type { ChannelsService, ChatCaller } from '../channels/channels-service.js';
import { toMessage } from '../views.js';
import type { EphemeralLedger } from './ephemeral-ledger.js';
import type { MessagesStore } from './messages-store.js';

/** Told about ephemeral messages before they are pushed (the triggers room keeps those with blocks clickable). */
export interface EphemeralObserver {
  remember(message: Message, recipients: readonly string[]): Promise<void>;
  forget(messageId: string, userIds: readonly string[]): Promise<void>;
}

/** Pumble's `editEphemeralMessage` body. */
export interface EphemeralEdit {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  ephemeral: { threadRootId?: string; sendToUsers: string[] };
}

const json = (value: unknown[] | undefined) => (value === undefined ? null : JSON.stringify(value));

/**
 * Ephemeral messages: shown live to chosen members of a channel, never stored as messages. The
 * ledger keeps who sent each one to whom, so only its sender edits or withdraws it (and each
 * recipient may dismiss it for themself).
 */
export class EphemeralService {
  constructor(
    private readonly store: MessagesStore,
    private readonly ledger: EphemeralLedger,
    private readonly channels: ChannelsService,
    private readonly bus: ChangeBus,
    private readonly clock: Clock,
    private readonly observer?: EphemeralObserver,
  ) {}

  async post(caller: ChatCaller, channelId: string, body: PostMessageBody, threadRootId?: string): Promise<Message> {
    await this.channels.postable(caller, channelId, 'ephemeral');
    if (threadRootId) await this.assertRoot(channelId, threadRootId);
    const members = new Set(await this.channels.members(channelId));
    const recipients = [...new Set(body.ephemeral?.sendToUsers ?? [])].filter((id) => members.has(id));
    if (recipients.length === 0) throw new SwitchboardError('validation_failed', 'None of sendToUsers is a member of the channel.');
    const now = this.clock.now();
    const message = this.build(caller, channelId, newId(now), body, now, threadRootId);
    await this.ledger.record({
      id: message.id,
      workspace_id: caller.workspaceId,
      channel_id: channelId,
      author_id: caller.userId,
      app_id: caller.appId ?? null,
      recipients: JSON.stringify(recipients),
      thread_root_id: threadRootId ?? null,
      created_at: now,
    });
    await this.observer?.remember(message, recipients);
    this.bus.publish([{ type: 'message.ephemeral', workspaceId: caller.workspaceId, audience: { userIds: recipients }, data: { message } }]);
    return message;
  }

  /** The sender replaces an ephemeral message on the screens of those of `sendToUsers` who still see it. */
  async edit(caller: ChatCaller, channelId: string, messageId: string, body: EphemeralEdit): Promise<Message> {
    const row = await this.own(caller, channelId, messageId);
    const still = new Set(JSON.parse(row.recipients) as string[]);
    const recipients = [...new Set(body.ephemeral.sendToUsers)].filter((id) => still.has(id));
    if (recipients.length === 0) throw new SwitchboardError('validation_failed', 'None of sendToUsers still sees this ephemeral message.');
    if (!body.text.trim() && !body.blocks?.length && !body.attachments?.length) {
      throw new SwitchboardError('validation_failed', 'An edit cannot leave the message empty; withdraw it instead.');
    }
    const threadRootId = body.ephemeral.threadRootId ?? row.thread_root_id ?? undefined;
    const message: Message = {
      ...this.build(caller, channelId, messageId, { text: body.text, blocks: body.blocks, attachments: body.attachments }, row.created_at, threadRootId),
      edited: true,
    };
    await this.observer?.forget(messageId, JSON.parse(row.recipients) as string[]);
    await this.observer?.remember(message, recipients);
    this.bus.publish([{ type: 'message.ephemeral', workspaceId: caller.workspaceId, audience: { userIds: recipients }, data: { message } }]);
    return message;
  }

  /**
   * Withdraws an ephemeral message from the named people's screens: the app (or person) that sent
   * it may do so for anyone it went to; a recipient only dismisses it for themself.
   */
  async withdraw(caller: ChatCaller, channelId: string, messageId: string, deleteForUsers: readonly string[], threadRootId?: string): Promise<void> {
    const row = await this.ledger.find(messageId, this.clock.now());
    if (!row || row.channel_id !== channelId || row.workspace_id !== caller.workspaceId) throw new SwitchboardError('not_found', 'No such ephemeral message.');
    const targets = [...new Set(deleteForUsers)];
    const dismissingOwn = targets.length === 1 && targets[0] === caller.userId;
    const recipients = JSON.parse(row.recipients) as string[];
    if (!this.isSender(caller, row) && !(dismissingOwn && recipients.includes(caller.userId))) {
      throw new SwitchboardError('forbidden', 'Only the sender withdraws an ephemeral message; a recipient dismisses it for themself.');
    }
    await this.ledger.setRecipients(
      messageId,
      recipients.filter((id) => !targets.includes(id)),
    );
    await this.observer?.forget(messageId, targets);
    this.bus.publish([
      {
        type: 'message.ephemeral_deleted',
        workspaceId: caller.workspaceId,
        audience: { userIds: targets },
        data: { channelId, messageId, threadRootId: threadRootId ?? row.thread_root_id ?? null },
      },
    ]);
  }

  private async own(caller: ChatCaller, channelId: string, messageId: string) {
    const row = await this.ledger.find(messageId, this.clock.now());
    if (!row || row.channel_id !== channelId || row.workspace_id !== caller.workspaceId) throw new SwitchboardError('not_found', 'No such ephemeral message.');
    if (!this.isSender(caller, row)) throw new SwitchboardError('forbidden', 'Only the sender edits an ephemeral message.');
    return row;
  }

  private isSender(caller: ChatCaller, row: { author_id: string; app_id: string | null }): boolean {
    return row.author_id === caller.userId && (row.app_id === null ? caller.appId === undefined : caller.appId === row.app_id);
  }

  private async assertRoot(channelId: string, threadRootId: string): Promise<void> {
    const root = await this.store.find(threadRootId);
    if (!root || root.channel_id !== channelId || root.deleted_at !== null || root.thread_root_id !== null) {
      throw new SwitchboardError('not_found', 'No such thread root in this channel.');
    }
  }

  private build(
    caller: ChatCaller,
    channelId: string,
    id: string,
    body: Pick<PostMessageBody, 'text' | 'blocks' | 'attachments'>,
    at: number,
    threadRootId?: string,
  ): Message {
    return {
      ...toMessage({
        id,
        workspace_id: caller.workspaceId,
        channel_id: channelId,
        author_id: caller.userId,
        text: body.text,
        blocks: json(body.blocks),
        attachments: json(body.attachments),
        files: null,
        thread_root_id: threadRootId ?? null,
        reply_count: 0,
        last_reply_at: null,
        subtype: null,
        edited_at: null,
        deleted_at: null,
        created_at: at,
      }),
      ephemeral: true,
    };
  }
}
