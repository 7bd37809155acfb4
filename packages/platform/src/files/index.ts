import { join } from 'node:path';
import type { ChannelsService } from '../chat/channels/channels-service.js';
import type { Clock } from '../clock.js';
import { deriveKey } from '../security/server-key.js';
import type { Store } from '../store/db.js';
import { DatabaseFileContents, DiskFileContents } from './file-contents.js';
import { FilesService } from './files-service.js';
import { FilesStore } from './files-store.js';
import { UploadTokens } from './upload-tokens.js';

export interface FilesConfig {
  dataDir: string;
  fileSizeLimit: number;
  publicUrl?: string;
}

/** The files room: bytes under the data directory on SQLite, in the database on PostgreSQL. */
export function createFiles(store: Store, serverKey: Buffer, channels: ChannelsService, clock: Clock, config: FilesConfig): FilesService {
  const contents = store.dialect === 'postgres' ? new DatabaseFileContents(store.db) : new DiskFileContents(join(config.dataDir, 'files'));
  return new FilesService(new FilesStore(store.db), contents, new UploadTokens(deriveKey(serverKey, 'file-upload')), channels, clock, {
    sizeLimit: config.fileSizeLimit,
    publicBase: config.publicUrl?.replace(/\/+$/, ''),
  });
}

export { filesRoutes } from './files-routes.js';
export { type FileCaller, FilesService } from './files-service.js';
