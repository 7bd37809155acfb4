import {
  type ScheduledMessage,
  type ScheduledMessageRecurrenceRequest,
  type ScheduledMessageRequest,
  type ScheduledMessages,
  SwitchboardError,
} from '@switchboard/protocol';
import type { ChannelsService, ChatCaller } from '../chat/channels/channels-service.js';
import type { Clock } from '../clock.js';
import type { FilesService } from '../files/index.js';
import { newId } from '../store/ids.js';
import type { ScheduledEdit, ScheduledStore } from './scheduled-store.js';
import type { ScheduledMessagesTable } from './scheduled-tables.js';

/** How far in the past `sendAt` may be (clock skew of the caller): such a message goes out at once. */
const PAST_GRACE_MS = 60_000;
const LIST_LIMIT = 200;

const json = (value: unknown[] | undefined) => (value === undefined || value.length === 0 ? null : JSON.stringify(value));
const parse = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

/** A person, or an app acting as one or as its bot (whose id is remembered with what it schedules). */
export type ScheduleCaller = ChatCaller & { appId?: string };

/** Anything the poster should learn about right away (the node that scheduled a message wakes at its time). */
export interface ScheduleListener {
  wakeAt(at: number): void;
}

/** Scheduling, listing, editing and cancelling one's own scheduled messages (the poster sends them). */
export class ScheduledService {
  constructor(
    private readonly store: ScheduledStore,
    private readonly channels: ChannelsService,
    private readonly files: FilesService,
    private readonly clock: Clock,
    private readonly listener: ScheduleListener,
  ) {}

  async create(caller: ScheduleCaller, request: ScheduledMessageRequest): Promise<ScheduledMessage> {
    const now = this.clock.now();
    const edit = await this.validated(caller, request, now);
    const row: ScheduledMessagesTable = {
      id: newId(now),
      workspace_id: caller.workspaceId,
      author_id: caller.userId,
      app_id: caller.appId ?? null,
      ...edit,
      occurrences: 0,
      status: 'pending',
      claim_token: null,
      claimed_until: null,
      attempts: 0,
      last_message_id: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    await this.store.insert(row);
    this.listener.wakeAt(row.send_at);
    return this.view(row);
  }

  async list(caller: ScheduleCaller): Promise<ScheduledMessages> {
    const rows = await this.store.listPending(caller.workspaceId, caller.userId, LIST_LIMIT);
    const page = rows.slice(0, LIST_LIMIT);
    return { scheduledMessages: await Promise.all(page.map((row) => this.view(row))), hasMore: rows.length > LIST_LIMIT };
  }

  async get(caller: ScheduleCaller, id: string): Promise<ScheduledMessage> {
    return this.view(await this.own(caller, id));
  }

  async edit(caller: ScheduleCaller, id: string, request: ScheduledMessageRequest): Promise<ScheduledMessage> {
    const now = this.clock.now();
    await this.own(caller, id);
    const edit = await this.validated(caller, request, now);
    await this.change(caller, id, edit, now);
    this.listener.wakeAt(edit.send_at);
    return this.get(caller, id);
  }

  async editAttachments(caller: ScheduleCaller, id: string, attachments: unknown[]): Promise<ScheduledMessage> {
    const row = await this.own(caller, id);
    const attachmentsJson = json(attachments);
    if (!row.text.trim() && row.blocks === null && attachmentsJson === null && row.files === null) {
      throw new SwitchboardError('validation_failed', 'That would leave the scheduled message empty; delete it instead.');
    }
    await this.change(caller, id, { attachments: attachmentsJson }, this.clock.now());
    return this.get(caller, id);
  }

  async delete(caller: ScheduleCaller, id: string): Promise<void> {
    await this.own(caller, id);
    if (!(await this.store.deletePending(id, caller.userId))) throw busy();
  }

  private async change(caller: ScheduleCaller, id: string, patch: Partial<ScheduledEdit>, now: number): Promise<void> {
    if (!(await this.store.updatePending(id, caller.userId, patch, now))) throw busy();
  }

  /** The caller's own scheduled message that is still to be posted; 404 for anything else (no leaks). */
  private async own(caller: ScheduleCaller, id: string): Promise<ScheduledMessagesTable> {
    const row = await this.store.find(id);
    if (!row || row.workspace_id !== caller.workspaceId || row.author_id !== caller.userId || row.status === 'sent' || row.status === 'failed') {
      throw new SwitchboardError('not_found', 'No such scheduled message.');
    }
    return row;
  }

  private async validated(caller: ScheduleCaller, request: ScheduledMessageRequest, now: number): Promise<ScheduledEdit> {
    if (request.sendAt < now - PAST_GRACE_MS) throw new SwitchboardError('validation_failed', 'sendAt is in the past.', { field: 'sendAt' });
    const files = request.files ?? [];
    if (!request.text.trim() && !request.blocks?.length && !request.attachments?.length && files.length === 0) {
      throw new SwitchboardError('validation_failed', 'A scheduled message needs text, blocks, attachments or files.');
    }
    const { recurrence } = request;
    if (recurrence?.endDate && recurrence.endDate < request.sendAt) {
      throw new SwitchboardError('validation_failed', 'The recurrence ends before the first message.', { field: 'recurrence.endDate' });
    }
    // Checked now so a mistake answers at once; checked again when it is posted.
    await this.channels.postable(caller, request.channelId);
    if (files.length > 0) await this.files.attachable(caller, files);
    return {
      channel_id: request.channelId,
      text: request.text,
      blocks: json(request.blocks),
      attachments: json(request.attachments),
      files: json(files),
      recurrence: recurrence ? JSON.stringify(recurrence) : null,
      send_at: request.sendAt,
      first_send_at: request.sendAt,
    };
  }

  private async view(row: ScheduledMessagesTable): Promise<ScheduledMessage> {
    const fileIds = parse<string[]>(row.files) ?? [];
    const recurrence = parse<ScheduledMessageRecurrenceRequest>(row.recurrence);
    const blocks = parse<unknown[]>(row.blocks);
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      author: row.author_id,
      channelId: row.channel_id,
      text: row.text,
      sentAt: row.send_at,
      files: row.occurrences === 0 && fileIds.length > 0 ? await this.files.describe(fileIds) : [],
      ...(blocks ? { blocks } : {}),
      attachments: parse<Record<string, unknown>[]>(row.attachments) ?? [],
      ...(recurrence
        ? {
            recurrence: {
              recurrenceType: recurrence.recurrenceType,
              endAfterOccurrences: recurrence.endAfterOccurrences ?? 0,
              endDate: recurrence.endDate ?? 0,
            },
          }
        : {}),
    };
  }
}

const busy = () => new SwitchboardError('conflict', 'The scheduled message is being posted right now.');
