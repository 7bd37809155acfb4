import { z } from 'zod';

/**
 * File upload and file shapes of the Pumble SDK (`FilesApiClientV1`, `FileuploadApiClientV1`,
 * `FileHostClientV1`; `types.ts`: FileUploadToken, CompleteFileUpload, File, MessageFile).
 * The flow: `POST /v1/files/upload/token` → multipart `POST /upload/files` with the token in the
 * `authtoken` header → `POST /v1/files/upload/complete` with the upload's answer → `files: [id]`
 * on a post.
 */

export const FileUploadTokenRequest = z.object({
  filename: z.string().trim().min(1).max(255),
  length: z.number().int().min(0).describe('Size in bytes the upload will have'),
});
export type FileUploadTokenRequest = z.infer<typeof FileUploadTokenRequest>;

export const FileUploadToken = z.object({
  token: z.string().describe('Sent back as the `authtoken` header of the upload; single use, short-lived'),
  remoteProductToken: z.string().optional(),
});
export type FileUploadToken = z.infer<typeof FileUploadToken>;

/** What the upload answers for the stored file (images and media are not probed: sizes are 0). */
export const FileDataResponse = z.object({
  mimeType: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  size: z.number().int(),
  path: z.string(),
  duration: z.number(),
  waveform: z.array(z.number()),
  requestedFileUploadId: z.string(),
  base64Value: z.string(),
});
export type FileDataResponse = z.infer<typeof FileDataResponse>;

/** The upload's answer, which the SDK posts back verbatim to complete the upload. */
export const CompleteFileUpload = z.object({
  original: FileDataResponse,
  thumbs: z.array(FileDataResponse),
  signature: z.string().optional(),
});
export type CompleteFileUpload = z.infer<typeof CompleteFileUpload>;

/** The body `POST /v1/files/upload/complete` reads: only the upload id matters, the rest is ours. */
export const CompleteFileUploadBody = z.object({
  original: z.object({ requestedFileUploadId: z.string().min(1).max(64) }).passthrough(),
  thumbs: z.array(z.unknown()).max(20).optional(),
  signature: z.string().max(200).optional(),
});
export type CompleteFileUploadBody = z.infer<typeof CompleteFileUploadBody>;

/** `types.ts` File: what completing an upload returns; `id` goes into a post's `files`. */
export const PumbleFile = z.object({ id: z.string(), path: z.string(), name: z.string() });
export type PumbleFile = z.infer<typeof PumbleFile>;

export const MessageFileThumbnail = z.object({ path: z.string(), width: z.number().int().optional(), height: z.number().int().optional() });

/** `types.ts` MessageFile: a file as a message carries it; `path` is an absolute download URL. */
export const MessageFile = z.object({
  id: z.string(),
  owner: z.string(),
  name: z.string().optional(),
  mimeType: z.string(),
  path: z.string(),
  thumbnails: z.array(MessageFileThumbnail).optional(),
  duration: z.number().optional(),
  audioRecording: z.boolean().optional(),
  videoRecording: z.boolean().optional(),
  waveform: z.array(z.number()).optional(),
  uploadedAtMilli: z.number().int().optional(),
  publicPath: z.string().optional(),
  size: z.number().int().optional().describe('Ours: bytes'),
});
export type MessageFile = z.infer<typeof MessageFile>;

/** Ids of completed uploads on a post (`MessagePostRequestBody.files`); at most 20 per message, like Pumble. */
export const MESSAGE_FILES_MAX = 20;
