import multipart from '@fastify/multipart';
import { CompleteFileUpload, CompleteFileUploadBody, FileUploadToken, FileUploadTokenRequest, PumbleFile, SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf } from '../auth/authenticate.js';
import { ErrorResponse, errorResponses } from '../http/schemas.js';
import { tooLarge } from './file-contents.js';
import type { FilesService } from './files-service.js';

const Id = z.string().min(1).max(64);
// Room for the multipart envelope (boundaries, part headers) around the file itself.
const MULTIPART_OVERHEAD = 64 * 1024;

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 150) || 'file';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const isTooLarge = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE';

/** The file routes of the Pumble SDK: upload token, upload, complete, download (`FileHostClientV1`). */
export const filesRoutes: FastifyPluginAsyncZod<{ files: FilesService; auth: Authenticator }> = async (app, { files, auth }) => {
  const tags = ['files'];
  // Only this plugin parses multipart uploads. One byte over the limit passes the parser so the
  // file store sees it and refuses the file (413) instead of keeping a silently truncated one.
  await app.register(multipart, { limits: { fileSize: files.sizeLimit + 1, files: 1, fields: 10, parts: 11, fieldSize: 4096 }, throwFileSizeLimit: true });

  app.post(
    '/v1/files/upload/token',
    {
      preHandler: auth.required,
      schema: {
        tags,
        summary: 'A single-use token to upload one file to /upload/files',
        body: FileUploadTokenRequest,
        response: { 200: FileUploadToken, 413: ErrorResponse, ...errorResponses },
      },
    },
    async (request) => files.issueUploadToken(actorOf(request), request.body),
  );

  app.post(
    '/upload/files',
    {
      schema: {
        tags,
        summary: 'Upload the bytes of a file (multipart field `file`), authorised by the upload token',
        consumes: ['multipart/form-data'],
        headers: z.object({ authtoken: z.string().min(1).max(4096) }),
        response: { 200: CompleteFileUpload, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > files.sizeLimit + MULTIPART_OVERHEAD) throw tooLarge(files.sizeLimit);
      const grant = files.uploadGrant(request.headers.authtoken);
      if (!request.isMultipart()) throw new SwitchboardError('unsupported_media_type', 'Upload the file as multipart/form-data.');
      try {
        const part = await request.file();
        if (!part) throw new SwitchboardError('validation_failed', 'The upload has no file part.');
        return await files.receive(grant, { file: part.file, mimeType: part.mimetype });
      } catch (error) {
        if (isTooLarge(error)) throw tooLarge(files.sizeLimit);
        throw error;
      }
    },
  );

  app.post(
    '/v1/files/upload/complete',
    {
      preHandler: auth.required,
      schema: {
        tags,
        summary: 'Complete an upload (the body is the upload’s answer); its id then goes into a post’s files',
        body: CompleteFileUploadBody,
        response: { 200: PumbleFile, ...errorResponses },
      },
    },
    async (request) => files.complete(actorOf(request), request.body),
  );

  app.get(
    '/v1/files/:fileId/:fileName',
    {
      preHandler: auth.required,
      schema: {
        tags,
        summary: 'Download a file (its uploader, or whoever can read the message it is on)',
        params: z.object({ fileId: Id, fileName: z.string().max(1024) }),
        response: { 200: z.unknown().describe('The file’s bytes'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { file, content } = await files.openDownload(actorOf(request), request.params.fileId);
      // Served as a download that can never run as a page of ours: no sniffing, no script, no same origin.
      return reply
        .header('content-type', file.mime_type)
        .header('content-length', String(file.size))
        .header('content-disposition', contentDisposition(file.name))
        .header('content-security-policy', 'sandbox')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-cache')
        .send(content);
    },
  );
};
