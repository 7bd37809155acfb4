import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

/** Rows of migration 015 (kept beside the room that owns them). */
export interface FilesTable {
  id: string;
  workspace_id: string;
  owner_id: string;
  app_id: string | null;
  name: string;
  mime_type: string;
  size: number;
  status: 'receiving' | 'uploaded' | 'complete';
  message_id: string | null;
  channel_id: string | null;
  created_at: number;
  completed_at: number | null;
}

export interface FileContentsTable {
  file_id: string;
  content: Buffer;
}

export interface FilesDatabase extends Database {
  files: FilesTable;
  file_contents: FileContentsTable;
}

/** A transaction is a Kysely too, so one type serves both. */
export type FilesDb = Kysely<FilesDatabase>;

/** The platform's Kysely handle seen with the files tables. */
export const withFileTables = (db: Kysely<Database> | Transaction<Database>): FilesDb =>
  db.withTables<{ files: FilesTable; file_contents: FileContentsTable }>();
