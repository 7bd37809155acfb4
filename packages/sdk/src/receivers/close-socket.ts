import WebSocket from 'ws';

/**
 * Closes a client WebSocket politely and waits for it, cutting it off after a second: a peer
 * that never answers the close frame must not hold `stop()` up.
 */
export function closeSocket(ws: WebSocket | undefined, reason: string): Promise<void> {
  if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1_000);
    ws.once('close', () => {
      clearTimeout(done);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000, reason);
  });
}
