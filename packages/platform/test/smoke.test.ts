import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, dialects, login, startPlatform, type TestPlatform } from './harness.js';

for (const dialect of await dialects()) {
  describe(`smoke (${dialect})`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startPlatform({ dialect });
    });
    afterAll(async () => t?.stop());

    it('signs alice in, posts to #general and reads it back', async () => {
      const alice = await login(t.url, 'alice@example.com');
      const channels = await call<{ channel: { id: string; name: string } }[]>(t.url, alice.token, 'GET', '/v1/channels');
      const general = channels.body.find((c) => c.channel.name === 'general');
      expect(general).toBeDefined();
      const posted = await call<{ id: string; text: string }>(t.url, alice.token, 'POST', `/v1/channels/${general?.channel.id}/messages`, { text: 'hello' });
      expect(posted.status).toBe(201);
      const history = await call<{ messages: { id: string; text: string }[] }>(t.url, alice.token, 'GET', `/v1/channels/${general?.channel.id}/messages`);
      expect(history.body.messages.map((m) => m.text)).toEqual(['hello']);
    });
  });
}
