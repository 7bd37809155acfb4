import { createServer } from 'node:net';

/**
 * A loopback port free right now, for an app whose public URL must be known before it starts
 * (OAuth redirect URLs are registered ahead). Another process could take it in between; on a
 * test machine that is rare enough.
 * @example const port = await freePort(); const base = `http://127.0.0.1:${port}`;
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
