import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SwitchboardError } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type FilesDb, withFileTables } from './files-tables.js';

/** Where the bytes of uploaded files live: a directory (SQLite mode) or the database (PostgreSQL, shared by all nodes). */
export interface FileContents {
  /** Stores the stream under `fileId`, refusing it past `limit` bytes; resolves to its size. */
  write(fileId: string, source: Readable, limit: number): Promise<number>;
  read(fileId: string): Promise<Readable>;
  remove(fileId: string): Promise<void>;
}

export const tooLarge = (limit: number) => new SwitchboardError('payload_too_large', `A file may have at most ${limit} bytes.`, { limit });

/** Counts bytes and fails the stream past the limit (the multipart parser also stops there; this one is ours). */
function byteLimit(limit: number, onSize: (size: number) => void): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) return done(tooLarge(limit));
      onSize(size);
      done(null, chunk);
    },
  });
}

/** Files as `<dataDir>/files/<id>`, written to a temporary name first so a half upload never shows. */
export class DiskFileContents implements FileContents {
  constructor(private readonly dir: string) {}

  async write(fileId: string, source: Readable, limit: number): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const final = join(this.dir, fileId);
    const partial = `${final}.part`;
    let size = 0;
    try {
      await pipeline(
        source,
        byteLimit(limit, (n) => (size = n)),
        createWriteStream(partial, { flags: 'wx' }),
      );
      await rename(partial, final);
      return size;
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async read(fileId: string): Promise<Readable> {
    // Opened before answering, so a missing file is a 404 rather than a response cut short.
    const handle = await open(join(this.dir, fileId), 'r').catch(() => {
      throw new SwitchboardError('not_found', 'No such file.');
    });
    return handle.createReadStream();
  }

  async remove(fileId: string): Promise<void> {
    await rm(join(this.dir, fileId), { force: true });
  }
}

/** Files as bytea rows, so any node of a PostgreSQL cluster serves any file. */
export class DatabaseFileContents implements FileContents {
  private readonly db: FilesDb;

  constructor(db: Kysely<Database>) {
    this.db = withFileTables(db);
  }

  async write(fileId: string, source: Readable, limit: number): Promise<number> {
    const chunks: Buffer[] = [];
    let size = 0;
    await pipeline(
      source,
      byteLimit(limit, (n) => (size = n)),
      async (counted: AsyncIterable<Buffer>) => {
        for await (const chunk of counted) chunks.push(chunk);
      },
    );
    await this.db
      .insertInto('file_contents')
      .values({ file_id: fileId, content: Buffer.concat(chunks, size) })
      .execute();
    return size;
  }

  async read(fileId: string): Promise<Readable> {
    const row = await this.db.selectFrom('file_contents').select('content').where('file_id', '=', fileId).executeTakeFirst();
    if (!row) throw new SwitchboardError('not_found', 'No such file.');
    return Readable.from([row.content]);
  }

  async remove(fileId: string): Promise<void> {
    await this.db.deleteFrom('file_contents').where('file_id', '=', fileId).execute();
  }
}
