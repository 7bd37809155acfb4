import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body without ever buffering more than `maxBytes` (+ one chunk): a hostile
 * client streaming gigabytes is cut off early instead of exhausting memory. `undefined` means
 * "too large"; the caller answers 413.
 */

/**
 * @example const bytes = await readWebBody(request, 1024 * 1024); if (!bytes) return tooLarge();
 */
export async function readWebBody(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  if (declaredTooLarge(request.headers.get('content-length'), maxBytes)) return undefined;
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return concat(chunks, size);
}

/**
 * @example const bytes = await readNodeBody(req, 1024 * 1024);
 */
export async function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | undefined> {
  if (declaredTooLarge(req.headers['content-length'], maxBytes)) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    // Stop reading, but let the adapter answer 413 before the socket is torn down.
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

function declaredTooLarge(contentLength: string | null | undefined, maxBytes: number): boolean {
  const declared = contentLength == null ? Number.NaN : Number(contentLength);
  return Number.isFinite(declared) && declared > maxBytes;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
