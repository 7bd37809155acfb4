import { ScheduledMessage, type ScheduledMessageRequest, ScheduledMessages } from '@switchboard/protocol';
import type { z } from 'zod';
import { type HttpTransport, pathOf } from './http.js';

/** A message to post later: `sendAt` (epoch ms), `channelId`, content, optional `recurrence`, `files` (completed upload ids). */
export type ScheduleRequest = z.input<typeof ScheduledMessageRequest>;

/**
 * The caller's scheduled messages (Pumble's `/v1/messages/scheduled…`); the platform posts them as the caller at `sendAt`.
 * @example const later = await client.scheduled.create({ channelId, text: 'Standup!', sendAt: Date.now() + 3_600_000 });
 */
export class ScheduledMessagesApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Schedules a message.
   * @example await client.scheduled.create({ channelId, text: 'Weekly report', sendAt, recurrence: { recurrenceType: 'WEEKLY' } });
   */
  create(request: ScheduleRequest): Promise<ScheduledMessage> {
    return this.http.json({ method: 'POST', path: '/v1/messages/scheduled', json: request }, ScheduledMessage);
  }

  /**
   * The caller's scheduled messages still to be posted, soonest first.
   * @example const { scheduledMessages } = await client.scheduled.list();
   */
  list(): Promise<ScheduledMessages> {
    return this.http.json({ method: 'GET', path: '/v1/messages/scheduled' }, ScheduledMessages);
  }

  /**
   * One scheduled message.
   * @example const message = await client.scheduled.get(id);
   */
  get(id: string): Promise<ScheduledMessage> {
    return this.http.json({ method: 'GET', path: pathOf`/v1/messages/scheduled/${id}` }, ScheduledMessage);
  }

  /**
   * Replaces a scheduled message (the whole request, as when creating it).
   * @example await client.scheduled.edit(id, { channelId, text: 'Moved to 10:00', sendAt });
   */
  edit(id: string, request: ScheduleRequest): Promise<ScheduledMessage> {
    return this.http.json({ method: 'PUT', path: pathOf`/v1/messages/scheduled/${id}`, json: request }, ScheduledMessage);
  }

  /**
   * Replaces a scheduled message's attachments.
   * @example await client.scheduled.editAttachments(id, [{ title: 'Agenda', text: '1. Demo' }]);
   */
  editAttachments(id: string, attachments: unknown[]): Promise<ScheduledMessage> {
    return this.http.json({ method: 'PUT', path: pathOf`/v1/messages/scheduled/${id}/attachments`, json: { attachments } }, ScheduledMessage);
  }

  /**
   * Cancels a scheduled message.
   * @example await client.scheduled.delete(id);
   */
  delete(id: string): Promise<void> {
    return this.http.send({ method: 'DELETE', path: pathOf`/v1/messages/scheduled/${id}` });
  }
}
