import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Full-text search over messages, kept current by the database itself so posting, editing and
 * deleting need no extra code: SQLite an FTS5 external-content table fed by triggers, PostgreSQL a
 * generated tsvector column with a GIN index. The `simple` configuration (no stemming, no stop
 * words) matches what FTS5's unicode61 tokenizer does, so both dialects find the same messages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`ALTER TABLE messages ADD COLUMN text_search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED`.execute(db);
    await sql`CREATE INDEX messages_text_search ON messages USING gin (text_search)`.execute(db);
    return;
  }
  await sql`CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(
    db,
  );
  await sql`CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text);
  END`.execute(db);
  await sql`CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  END`.execute(db);
  // Only a change of text touches the index (reply counts and edits of blocks do not).
  await sql`CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text);
  END`.execute(db);
  await sql`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')`.execute(db);
}
