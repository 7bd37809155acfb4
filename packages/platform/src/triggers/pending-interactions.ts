import { type InteractionCompleteBody, SwitchboardError } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import type { AppActor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Database, TriggerInteractionsTable } from '../store/schema.js';
import type { PersonNotices } from './person-notices.js';

/** Completed or expired rows are kept this long (for idempotent late completes), then deleted. */
const KEEP_MS = 60 * 60 * 1000;

/**
 * `loadingTimeout` semantics: the element a person clicked shows as loading until the app calls
 * `POST /v1/interactions/complete` or `loadingTimeout` ms pass, whichever comes first. Kept in
 * the database so the app may complete through any node.
 */
export class PendingInteractions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notices: PersonNotices,
    private readonly clock: Clock,
  ) {}

  async start(row: Omit<TriggerInteractionsTable, 'completed_at' | 'expires_at'>, loadingTimeoutMs: number): Promise<void> {
    const now = this.clock.now();
    await this.db
      .deleteFrom('trigger_interactions')
      .where('expires_at', '<', now - KEEP_MS)
      .execute();
    await this.db
      .insertInto('trigger_interactions')
      .values({ ...row, expires_at: now + loadingTimeoutMs, completed_at: null })
      .execute();
  }

  /**
   * The app ends the loading state. Unknown or another app's trigger → 404; a source that does
   * not match the trigger → 400; completing twice or after the timeout is a harmless no-op.
   */
  async complete(app: AppActor, body: InteractionCompleteBody): Promise<void> {
    const row = await this.db.selectFrom('trigger_interactions').selectAll().where('trigger_id', '=', body.triggerId).executeTakeFirst();
    if (!row || row.app_id !== app.appId || row.workspace_id !== app.workspaceId)
      throw new SwitchboardError('not_found', 'No interaction with that triggerId.');
    if (row.source_id !== body.sourceId || row.source_type !== body.sourceType || (body.channelId !== undefined && body.channelId !== row.channel_id)) {
      throw new SwitchboardError('validation_failed', 'sourceType, sourceId and channelId must be those of the interaction.');
    }
    const now = this.clock.now();
    if (row.completed_at !== null || row.expires_at <= now) return;
    const updated = await this.db
      .updateTable('trigger_interactions')
      .set({ completed_at: now })
      .where('trigger_id', '=', row.trigger_id)
      .where('completed_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return;
    this.notices.push(row.workspace_id, row.user_id, 'interaction.completed', {
      triggerId: row.trigger_id,
      sourceType: row.source_type,
      sourceId: row.source_id,
      channelId: row.channel_id,
    });
  }
}
