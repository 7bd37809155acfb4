import { describe, expect, it } from 'vitest';
import { postHook, relayCall, startTestRelay, watsonHeaders } from './relay-kit.js';

const SECRET = 'store-failure-secret';

describe('a store that refuses writes', () => {
  it('answers 500 for the hooks it could not store (nothing hangs), and stores again once it can', async () => {
    const relay = await startTestRelay({ allowUnauthenticated: true });
    try {
      expect((await relayCall(relay.url, undefined, 'PUT', '/webhooks/app-w', { secret: SECRET })).status).toBe(201);
      const body = JSON.stringify({ type: 'message-created', n: 1 });
      const sqlite = relay.relay.store.sqlite;
      if (!sqlite) throw new Error('expected the SQLite store');
      sqlite.database.pragma('query_only = ON');
      const refused = await Promise.all([1, 2, 3].map(() => postHook(relay.url, 'app-w', watsonHeaders(SECRET, body), body)));
      expect(refused.map((response) => response.status)).toEqual([500, 500, 500]);
      sqlite.database.pragma('query_only = OFF');
      expect((await postHook(relay.url, 'app-w', watsonHeaders(SECRET, body), body)).status).toBe(201);
      expect((await relay.relay.events.queueStats()).map((s) => s.depth)).toEqual([1]);
    } finally {
      await relay.stop();
    }
  });
});
