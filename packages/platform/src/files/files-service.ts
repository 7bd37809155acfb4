import type { Readable } from 'node:stream';
import {
  type CompleteFileUpload,
  type CompleteFileUploadBody,
  type FileUploadToken,
  type FileUploadTokenRequest,
  MESSAGE_FILES_MAX,
  type MessageFile,
  type PumbleFile,
  SwitchboardError,
} from '@switchboard/protocol';
import type { Transaction } from 'kysely';
import type { ChannelsService, ChatCaller } from '../chat/channels/channels-service.js';
import type { Clock } from '../clock.js';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { type FileContents, tooLarge } from './file-contents.js';
import type { FilesStore } from './files-store.js';
import type { FilesTable } from './files-tables.js';
import type { UploadGrant, UploadTokens } from './upload-tokens.js';

/** A caller of the files API: a person, or an app (whose id is remembered with its uploads). */
export interface FileCaller extends ChatCaller {
  appId?: string;
}

/** Whose files a message may carry: its author's. */
export interface FileOwner {
  workspaceId: string;
  userId: string;
}

export interface FilesOptions {
  /** Largest file in bytes. */
  sizeLimit: number;
  /** Base of download URLs (`MessageFile.path`): the configured public URL, else the bound address (see `setPublicBase`). */
  publicBase?: string;
}

const UPLOAD_TOKEN_TTL_MS = 10 * 60_000;
/** An upload not completed within a day is abandoned: its row and bytes go. */
const ABANDONED_AFTER_MS = 24 * 3_600_000;
const SWEEP_EVERY_MS = 3_600_000;
// A type/subtype as RFC 6838 spells it; anything else is served as opaque bytes.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export const safeMimeType = (value: string | undefined) => {
  const mime = (value ?? '').trim().toLowerCase();
  return MIME.test(mime) ? mime : 'application/octet-stream';
};

/** Uploads (token → bytes → complete), attaching files to messages, and who may download them. */
export class FilesService {
  constructor(
    private readonly store: FilesStore,
    private readonly contents: FileContents,
    private readonly tokens: UploadTokens,
    private readonly channels: ChannelsService,
    private readonly clock: Clock,
    private readonly options: FilesOptions,
  ) {}

  private sweeper: NodeJS.Timeout | undefined;

  /** Starts removing abandoned uploads (hourly; every node may, deletes are idempotent). */
  start(): void {
    this.sweeper ??= setInterval(() => void this.sweep().catch(() => {}), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Removes uploads never completed within a day; resolves to how many. */
  async sweep(): Promise<number> {
    const stale = await this.store.abandoned(this.clock.now() - ABANDONED_AFTER_MS, 500);
    for (const { id } of stale) {
      await this.contents.remove(id);
      await this.store.remove(id);
    }
    return stale.length;
  }

  /** Set once the node listens when no public URL is configured. */
  setPublicBase(base: string): void {
    this.options.publicBase ??= base.replace(/\/+$/, '');
  }

  get sizeLimit(): number {
    return this.options.sizeLimit;
  }

  issueUploadToken(caller: FileCaller, request: FileUploadTokenRequest): FileUploadToken {
    if (request.length > this.options.sizeLimit) throw tooLarge(this.options.sizeLimit);
    const now = this.clock.now();
    const token = this.tokens.issue({
      id: newId(now),
      workspaceId: caller.workspaceId,
      ownerId: caller.userId,
      appId: caller.appId ?? null,
      name: request.filename,
      expiresAt: now + UPLOAD_TOKEN_TTL_MS,
    });
    return { token };
  }

  /** What an upload token allows (checked before the body is read). */
  uploadGrant(token: string): UploadGrant {
    return this.tokens.verify(token, this.clock.now());
  }

  /** Stores the bytes of an upload `grant` allows; answers what the SDK posts back to complete it. */
  async receive(grant: UploadGrant, upload: { file: Readable; mimeType?: string }): Promise<CompleteFileUpload> {
    const now = this.clock.now();
    const row: FilesTable = {
      id: grant.id,
      workspace_id: grant.workspaceId,
      owner_id: grant.ownerId,
      app_id: grant.appId,
      name: grant.name,
      mime_type: safeMimeType(upload.mimeType),
      size: 0,
      // Not downloadable until the bytes are stored, nor attachable until the upload is completed.
      status: 'receiving',
      message_id: null,
      channel_id: null,
      created_at: now,
      completed_at: null,
    };
    if (!(await this.store.insert(row))) {
      upload.file.resume();
      throw new SwitchboardError('conflict', 'This upload token was used already; ask for a new one.');
    }
    let size: number;
    try {
      size = await this.contents.write(row.id, upload.file, this.options.sizeLimit);
    } catch (error) {
      upload.file.resume();
      await this.contents.remove(row.id).catch(() => {});
      await this.store.remove(row.id);
      throw error;
    }
    await this.store.setUploaded(row.id, size, row.mime_type);
    const data = {
      mimeType: row.mime_type,
      width: 0,
      height: 0,
      size,
      path: this.pathOf(row),
      duration: 0,
      waveform: [],
      requestedFileUploadId: row.id,
      base64Value: '',
    };
    return { original: data, thumbs: [] };
  }

  async complete(caller: FileCaller, body: CompleteFileUploadBody): Promise<PumbleFile> {
    const row = await this.ownUpload(caller, body.original.requestedFileUploadId);
    if (row.status === 'uploaded') await this.store.complete(row.id, this.clock.now());
    return { id: row.id, path: this.pathOf(row), name: row.name };
  }

  /** Checks the files can go on a message of `caller` (a scheduled message checks when it is scheduled). */
  async attachable(caller: FileOwner, fileIds: readonly unknown[]): Promise<MessageFile[]> {
    const ids = this.idsOf(fileIds);
    const rows = await this.store.attachable(caller.workspaceId, caller.userId, ids);
    if (rows.length !== ids.length) throw unattachable();
    return this.inOrder(ids, rows);
  }

  /** The files of `ids` as a message would carry them (those that still exist). */
  async describe(ids: readonly string[]): Promise<MessageFile[]> {
    const rows = await this.store.rows(ids);
    return this.inOrder(
      ids.filter((id) => rows.some((row) => row.id === id)),
      rows,
    );
  }

  /** Claims the files for a new message inside its transaction and answers them as the message carries them. */
  async attach(trx: Transaction<Database>, caller: FileOwner, fileIds: readonly unknown[], messageId: string, channelId: string): Promise<MessageFile[]> {
    const ids = this.idsOf(fileIds);
    if (ids.length === 0) return [];
    const claimed = await this.store.attach(trx, caller.workspaceId, caller.userId, ids, messageId, channelId);
    if (claimed !== ids.length) throw unattachable();
    return this.inOrder(ids, await this.store.rows(ids, trx));
  }

  /** The file if `caller` may download it: its uploader, or anyone who can read the live message it is on. */
  async openDownload(caller: FileCaller, fileId: string): Promise<{ file: FilesTable; content: Readable }> {
    const file = await this.store.find(fileId);
    if (!file || file.workspace_id !== caller.workspaceId) throw notFound();
    if (file.owner_id !== caller.userId) {
      if (!file.message_id || !file.channel_id || !(await this.store.messageIsLive(file.message_id))) throw notFound();
      await this.channels.readable(caller, file.channel_id);
    } else if (file.status === 'receiving') throw notFound();
    return { file, content: await this.contents.read(file.id) };
  }

  private async ownUpload(caller: FileCaller, id: string): Promise<FilesTable> {
    const row = await this.store.find(id);
    if (!row || row.workspace_id !== caller.workspaceId || row.owner_id !== caller.userId) throw new SwitchboardError('not_found', 'No such upload.');
    return row;
  }

  private idsOf(fileIds: readonly unknown[]): string[] {
    if (fileIds.length > MESSAGE_FILES_MAX) throw new SwitchboardError('validation_failed', `A message carries at most ${MESSAGE_FILES_MAX} files.`);
    if (!fileIds.every((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 64)) {
      throw new SwitchboardError('validation_failed', 'files lists the ids of completed uploads (POST /v1/files/upload/complete).');
    }
    const ids = [...new Set(fileIds)];
    if (ids.length !== fileIds.length) throw new SwitchboardError('validation_failed', 'A file is listed twice.');
    return ids;
  }

  private inOrder(ids: readonly string[], rows: readonly FilesTable[]): MessageFile[] {
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => this.toMessageFile(byId.get(id) as FilesTable));
  }

  toMessageFile(row: FilesTable): MessageFile {
    return {
      id: row.id,
      owner: row.owner_id,
      name: row.name,
      mimeType: row.mime_type,
      path: this.pathOf(row),
      uploadedAtMilli: row.created_at,
      size: row.size,
    };
  }

  private pathOf(row: Pick<FilesTable, 'id' | 'name'>): string {
    return `${this.options.publicBase ?? ''}/v1/files/${row.id}/${encodeURIComponent(row.name)}`;
  }
}

const notFound = () => new SwitchboardError('not_found', 'No such file.');
const unattachable = () =>
  new SwitchboardError('validation_failed', 'Some files are not completed uploads of yours, or are on a message already.', { field: 'files' });
