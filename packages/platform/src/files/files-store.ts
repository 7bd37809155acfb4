import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { type FilesDb, type FilesTable, withFileTables } from './files-tables.js';

/** File rows: upload, completion, attachment to a message, and what a download needs to check. */
export class FilesStore {
  private readonly db: FilesDb;

  constructor(db: Kysely<Database>) {
    this.db = withFileTables(db);
  }

  /** Inserts the row of an upload; false when the upload id was used already (a token is single use). */
  async insert(row: FilesTable): Promise<boolean> {
    const result = await this.db
      .insertInto('files')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('files').where('id', '=', id).execute();
  }

  async setUploaded(id: string, size: number, mimeType: string): Promise<void> {
    await this.db.updateTable('files').set({ size, mime_type: mimeType, status: 'uploaded' }).where('id', '=', id).execute();
  }

  find(id: string) {
    return this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async complete(id: string, at: number): Promise<void> {
    await this.db.updateTable('files').set({ status: 'complete', completed_at: at }).where('id', '=', id).where('status', '=', 'uploaded').execute();
  }

  /** Completed, unattached files of `ownerId` among `ids` (to check before scheduling them). */
  attachable(workspaceId: string, ownerId: string, ids: readonly string[], db: FilesDb = this.db) {
    return db
      .selectFrom('files')
      .selectAll()
      .where('id', 'in', [...ids])
      .where('workspace_id', '=', workspaceId)
      .where('owner_id', '=', ownerId)
      .where('status', '=', 'complete')
      .where('message_id', 'is', null)
      .execute();
  }

  /** Claims the files for a message inside the post's transaction; returns how many it claimed. */
  async attach(
    trx: Transaction<Database>,
    workspaceId: string,
    ownerId: string,
    ids: readonly string[],
    messageId: string,
    channelId: string,
  ): Promise<number> {
    const result = await withFileTables(trx)
      .updateTable('files')
      .set({ message_id: messageId, channel_id: channelId })
      .where('id', 'in', [...ids])
      .where('workspace_id', '=', workspaceId)
      .where('owner_id', '=', ownerId)
      .where('status', '=', 'complete')
      .where('message_id', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** The rows of `ids`, read inside `trx` when given (the post that just attached them). */
  rows(ids: readonly string[], trx?: Transaction<Database>) {
    return (trx ? withFileTables(trx) : this.db)
      .selectFrom('files')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
  }

  /** Uploads never completed, started before `before` (their token expired long ago). */
  abandoned(before: number, limit: number) {
    return this.db.selectFrom('files').select('id').where('status', 'in', ['receiving', 'uploaded']).where('created_at', '<', before).limit(limit).execute();
  }

  /** Whether the message a file is attached to still exists (deleting a message hides its files). */
  async messageIsLive(messageId: string): Promise<boolean> {
    const row = await this.db.selectFrom('messages').select('deleted_at').where('id', '=', messageId).executeTakeFirst();
    return row !== undefined && row.deleted_at === null;
  }
}
