import { randomUUID } from 'node:crypto';
import type { OpenView, TriggerOutcome } from '@switchboard/protocol';
import type { ChannelsService, ChatCaller } from '../chat/channels/channels-service.js';
import type { InstalledApps } from './installed-apps.js';
import type { PersonNotices } from './person-notices.js';
import type { TriggerRunner } from './trigger-runner.js';

export type CommandOutcome = TriggerOutcome | 'unknown';

export interface CommandResult {
  slashCommand: string;
  triggerId: string;
  outcome: CommandOutcome;
  appId?: string;
  /** The modal the app opened in its answer. */
  view?: OpenView;
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
    private readonly channels: ChannelsService,
    private readonly installed: InstalledApps,
    private readonly runner: TriggerRunner,
    private readonly notices: PersonNotices,
  ) {}

  async run(caller: ChatCaller, channelId: string, input: string, threadRootId?: string): Promise<CommandResult> {
    await this.channels.postable(caller, channelId);
    const parsed = parseCommand(input);
    const triggerId = randomUUID();
    const slashCommand = parsed?.command ?? input.trim().split(/\s/)[0];
    const place = { workspaceId: caller.workspaceId, userId: caller.userId, channelId, threadRootId };
    const owner = parsed ? await this.findOwner(caller.workspaceId, parsed.command) : undefined;
    if (!parsed || !owner) {
      this.notices.tell(place, 'system', `No app in this workspace handles ${slashCommand}.`);
      return { slashCommand, triggerId, outcome: 'unknown' };
    }
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
    const result = await this.runner.run({ target: owner.target, url: owner.url, place, triggerId }, payload);
    return { slashCommand, triggerId, outcome: result.outcome, appId: owner.target.app.id, ...(result.view ? { view: result.view } : {}) };
  }

  private async findOwner(workspaceId: string, command: string) {
    for (const target of await this.installed.of(workspaceId)) {
      const entry = target.manifest.slashCommands.find((c) => c.command.toLowerCase() === command);
      if (entry) return { target, url: entry.url };
    }
    return undefined;
  }
}
