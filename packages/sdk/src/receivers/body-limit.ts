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

const NO_BYTES = Buffer.alloc(0);

/**
 * node's counterpart, with a callback: listeners instead of an async iterator keep a small body
 * (the usual delivery is one chunk) free of per-request promises. `done` runs at most once; a
 * request the client aborts never completes and is simply dropped.
 * @example readNodeBody(req, 1024 * 1024, (bytes) => (bytes ? handle(bytes) : tooLarge()));
 */
export function readNodeBody(req: IncomingMessage, maxBytes: number, done: (body: Buffer | undefined) => void): void {
  if (declaredTooLarge(req.headers['content-length'], maxBytes)) {
    done(undefined);
    return;
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  // Inline arrows (see http-delivery.ts): no per-request name-keeping helper under tsx.
  req
    .on('data', (chunk: Buffer) => {
      if (size > maxBytes) return;
      size += chunk.byteLength;
      if (size > maxBytes) {
        // Ignore the rest, but let the adapter answer 413 (and close) before the socket is torn down.
        done(undefined);
        return;
      }
      if (first === undefined) first = chunk;
      else if (more === undefined) more = [first, chunk];
      else more.push(chunk);
    })
    .on('end', () => {
      if (size <= maxBytes) done(more ? Buffer.concat(more, size) : (first ?? NO_BYTES));
    });
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
