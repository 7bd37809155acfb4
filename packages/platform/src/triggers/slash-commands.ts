import { randomUUID } from 'node:crypto';
import type { Manifest, Message } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import { signingSecretsOf } from '../apps/app-secrets.js';
import type { ChangeBus } from '../chat/changes.js';
import type { ChannelsService, ChatCaller } from '../chat/channels/channels-service.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../security/secret-box.js';
import type { SocketHub } from '../socket/socket-hub.js';
import { newId } from '../store/ids.js';
import type { AppsTable, Database } from '../store/schema.js';
import { TRIGGER_DEADLINE_MS, type TriggerAnswer, type TriggerSender } from './trigger-sender.js';

export type CommandOutcome = 'acked' | 'nacked' | 'offline' | 'unknown';

export interface CommandResult {
  slashCommand: string;
  triggerId: string;
  outcome: CommandOutcome;
  appId?: string;
}

/** `/echo hello` → `{ command: '/echo', text: 'hello' }`; undefined when the text is not a command. */
export function parseCommand(text: string): { command: string; text: string } | undefined {
  const match = /^(\/[^\s/]{1,32})(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { command: match[1].toLowerCase(), text: (match[2] ?? '').trim() } : undefined;
}

/**
 * A person types `/cmd text`: the installed app owning `/cmd` gets a signed SLASH_COMMAND and
 * 3 seconds to answer; its answer (or the offline message) reaches only that person.
 */
export class SlashCommands {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly channels: ChannelsService,
    private readonly bus: ChangeBus,
    private readonly box: SecretBox,
    private readonly sender: TriggerSender,
    private readonly clock: Clock,
    private readonly socketHub?: SocketHub,
  ) {}

  async run(caller: ChatCaller, channelId: string, input: string, threadRootId?: string): Promise<CommandResult> {
    await this.channels.postable(caller, channelId);
    const parsed = parseCommand(input);
    const triggerId = randomUUID();
    const slashCommand = parsed?.command ?? input.trim().split(/\s/)[0];
    const owner = parsed ? await this.findOwner(caller.workspaceId, parsed.command) : undefined;
    if (!parsed || !owner) {
      this.tell(caller, channelId, 'system', `No app in this workspace handles ${slashCommand}.`, threadRootId);
      return { slashCommand, triggerId, outcome: 'unknown' };
    }
    const { app, manifest, url, botUserId } = owner;
    const payload = {
      messageType: 'SLASH_COMMAND',
      slashCommand: parsed.command,
      text: parsed.text,
      userId: caller.userId,
      channelId,
      ...(threadRootId ? { threadRootId } : {}),
      workspaceId: caller.workspaceId,
      triggerId,
    };
    const author = botUserId ?? 'system';
    const offline = manifest.offlineMessage ?? `${manifest.displayName} is not responding right now. Please try again later.`;
    const answer = manifest.socketMode
      ? await this.overSocket(app.id, payload)
      : await this.sender.send(url, signingSecretsOf(this.box, app, this.clock.now()), payload);
    const message = answer.kind === 'answered' && isObject(answer.body) && typeof answer.body.message === 'string' ? answer.body.message : undefined;
    if (answer.kind === 'answered' && answer.status >= 200 && answer.status < 300) {
      if (message) this.tell(caller, channelId, author, message, threadRootId);
      return { slashCommand, triggerId, outcome: 'acked', appId: app.id };
    }
    if (answer.kind === 'answered' && answer.status < 500 && message) {
      this.tell(caller, channelId, author, message, threadRootId);
      return { slashCommand, triggerId, outcome: 'nacked', appId: app.id };
    }
    this.tell(caller, channelId, author, offline, threadRootId);
    return { slashCommand, triggerId, outcome: 'offline', appId: app.id };
  }

  /** The same answer as over HTTP, from the app's socket-mode connection (PROTOCOL.md 7). */
  private async overSocket(appId: string, payload: unknown): Promise<TriggerAnswer> {
    if (!this.socketHub) return { kind: 'unreachable', reason: 'socket mode is not available' };
    const answer = await this.socketHub.request(appId, payload, { event: false, timeoutMs: TRIGGER_DEADLINE_MS });
    if (answer.kind === 'unreachable') return answer;
    const { status, message, body } = answer.reply;
    return { kind: 'answered', status, body: { ...(body ?? {}), ...(message !== undefined ? { message } : {}) } };
  }

  private async findOwner(
    workspaceId: string,
    command: string,
  ): Promise<{ app: AppsTable; manifest: Manifest; url: string; botUserId: string | null } | undefined> {
    const installs = await this.db
      .selectFrom('app_installations as i')
      .innerJoin('apps as a', 'a.id', 'i.app_id')
      .selectAll('a')
      .select('i.bot_user_id')
      .where('i.workspace_id', '=', workspaceId)
      .where('i.uninstalled_at', 'is', null)
      .execute();
    for (const row of installs) {
      const manifest = JSON.parse(row.manifest) as Manifest;
      const entry = manifest.slashCommands.find((c) => c.command.toLowerCase() === command);
      if (entry) return { app: row, manifest, url: entry.url, botUserId: row.bot_user_id };
    }
    return undefined;
  }

  /** An ephemeral message to the person who typed the command; never stored. */
  private tell(caller: ChatCaller, channelId: string, author: string, text: string, threadRootId?: string): void {
    const now = this.clock.now();
    const message: Message = {
      id: newId(now),
      workspaceId: caller.workspaceId,
      channelId,
      author,
      text,
      timestamp: new Date(now).toISOString(),
      timestampMilli: now,
      ephemeral: true,
      ...(threadRootId ? { threadReplyInfo: { threadRootId } } : {}),
    };
    this.bus.publish([{ type: 'message.ephemeral', workspaceId: caller.workspaceId, audience: { userIds: [caller.userId] }, data: { message } }]);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
