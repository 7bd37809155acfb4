import type { Kysely } from 'kysely';
import type { Database, TriggerViewsTable } from '../store/schema.js';

/** Rows of `trigger_views`: the views people have open, one row per view of a stack. */
export class ViewsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: TriggerViewsTable): Promise<void> {
    await this.db.insertInto('trigger_views').values(row).execute();
  }

  /** An open view of this person; undefined when it is closed, someone else's, or unknown. */
  async findOpen(userId: string, viewId: string): Promise<TriggerViewsTable | undefined> {
    return this.db
      .selectFrom('trigger_views')
      .selectAll()
      .where('id', '=', viewId)
      .where('user_id', '=', userId)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
  }

  async openInStack(rootId: string): Promise<TriggerViewsTable[]> {
    return this.db.selectFrom('trigger_views').selectAll().where('root_id', '=', rootId).where('closed_at', 'is', null).execute();
  }

  async update(id: string, patch: Partial<Pick<TriggerViewsTable, 'view' | 'state' | 'errors' | 'callback_id' | 'updated_at'>>): Promise<void> {
    await this.db.updateTable('trigger_views').set(patch).where('id', '=', id).execute();
  }

  async close(ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('trigger_views').set({ closed_at: now }).where('id', 'in', ids).where('closed_at', 'is', null).execute();
  }
}
