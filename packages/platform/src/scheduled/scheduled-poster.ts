import { randomBytes } from 'node:crypto';
import { type ScheduledMessageRecurrenceRequest, SwitchboardError } from '@switchboard/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { MessagesService } from '../chat/messages/messages-service.js';
import type { Clock } from '../clock.js';
import type { Database } from '../store/schema.js';
import { nextOccurrence } from './recurrence.js';
import type { ExpectedPost, ScheduledPostsSink } from './scheduled-posts-sink.js';
import type { ScheduledStore } from './scheduled-store.js';
import type { ScheduledMessagesTable } from './scheduled-tables.js';

export interface PosterOptions {
  pollIntervalMs: number;
  /** How long a claim holds before another node may take the row over. */
  leaseMs?: number;
  /** Rows claimed per round. */
  batch?: number;
  log: FastifyBaseLogger;
}

const RETRY_MS = 30_000;
const MAX_ATTEMPTS = 10;
const parse = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

/**
 * Posts scheduled messages when they come due, on every node: each round claims due rows
 * (ScheduledStore.claimDue) and posts them through the message service, as their author, so a
 * scheduled post is a post like any other (realtime, app events, files). Rows live in the database,
 * so a restart or another node picks up what a stopped node left.
 */
export class ScheduledPoster {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly leaseMs: number;

  constructor(
    private readonly store: ScheduledStore,
    private readonly sink: ScheduledPostsSink,
    private readonly messages: MessagesService,
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly options: PosterOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    await this.running;
  }

  /** A message was scheduled at `at` on this node: wake up right then rather than at the next poll. */
  wakeAt(at: number): void {
    const delay = at - this.clock.now();
    if (this.stopped || delay >= this.options.pollIntervalMs) return;
    clearTimeout(this.soon);
    this.soon = setTimeout(() => this.wake(), Math.max(0, delay));
    this.soon.unref();
  }

  /** Runs a round unless one is running (tests await it). */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.round()
      .catch((err) => this.options.log.error({ err }, 'scheduled messages round failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async round(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const token = randomBytes(12).toString('hex');
      const batch = this.options.batch ?? 20;
      const rows = await this.store.claimDue(now, token, now + this.leaseMs, batch);
      for (const row of rows) {
        if (this.stopped) return;
        await this.postOne(row, token);
      }
      if (rows.length < batch || this.stopped) return;
    }
  }

  /** A message an app scheduled goes out only while the app is installed and (for a person's token) still authorized. */
  private async appStillActs(row: ScheduledMessagesTable, authorRole: string): Promise<boolean> {
    const appId = row.app_id as string;
    const installed = await this.db
      .selectFrom('app_installations')
      .select('id')
      .where('app_id', '=', appId)
      .where('workspace_id', '=', row.workspace_id)
      .where('uninstalled_at', 'is', null)
      .executeTakeFirst();
    if (!installed) return false;
    if (authorRole === 'bot') return true;
    const authorized = await this.db
      .selectFrom('app_authorizations')
      .select('id')
      .where('app_id', '=', appId)
      .where('user_id', '=', row.author_id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return authorized !== undefined;
  }

  private async postOne(row: ScheduledMessagesTable, token: string): Promise<void> {
    const now = this.clock.now();
    const author = await this.db.selectFrom('workspace_users').select(['role', 'status']).where('id', '=', row.author_id).executeTakeFirst();
    if (author?.status !== 'ACTIVE') {
      await this.store.release(row.id, token, { failed: true, error: 'The author is no longer active.' }, now);
      return;
    }
    if (row.app_id && !(await this.appStillActs(row, author.role))) {
      await this.store.release(row.id, token, { failed: true, error: 'The app that scheduled it was uninstalled or unauthorized.' }, now);
      return;
    }
    const recurrence = parse<ScheduledMessageRecurrenceRequest>(row.recurrence);
    const index = row.occurrences + 1;
    const next = recurrence ? nextOccurrence(recurrence, row.first_send_at, row.send_at, index) : undefined;
    const expected: ExpectedPost = {
      id: row.id,
      token,
      channelId: row.channel_id,
      authorId: row.author_id,
      text: row.text,
      settlement: next === undefined ? { status: 'sent', send_at: row.send_at, occurrences: index } : { status: 'pending', send_at: next, occurrences: index },
      settled: false,
    };
    // Files go on the first occurrence only: a file is on one message.
    const files = row.occurrences === 0 ? parse<string[]>(row.files) : undefined;
    this.sink.expect(expected);
    try {
      await this.messages.post(
        { workspaceId: row.workspace_id, userId: row.author_id, role: author.role, ...(row.app_id ? { appId: row.app_id } : {}) },
        row.channel_id,
        { text: row.text, blocks: parse(row.blocks), attachments: parse(row.attachments), files: files?.length ? files : undefined },
      );
      // The post carried no matching change (the service rewrote its text, say): settle it now.
      if (!expected.settled) await this.store.settle(this.db, row.id, token, { ...expected.settlement, last_message_id: null }, this.clock.now());
    } catch (error) {
      if (error instanceof SwitchboardError && error.details.lostClaim) return;
      const permanent = error instanceof SwitchboardError || row.attempts >= MAX_ATTEMPTS;
      const message = error instanceof Error ? error.message : String(error);
      if (!permanent) this.options.log.warn({ err: error, scheduledMessageId: row.id }, 'scheduled message not posted; retrying');
      await this.store.release(row.id, token, permanent ? { failed: true, error: message } : { failed: false, error: message, retryAt: now + RETRY_MS }, now);
    } finally {
      this.sink.forget(expected);
    }
  }
}
