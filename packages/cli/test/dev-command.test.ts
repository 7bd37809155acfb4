import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatPerson, type RunningCli, spawnCli } from './dev-harness.js';

/**
 * An app that knows nothing of our SDK, as one written with another Pumble SDK: it reads only
 * PUMBLE_* variables, gets its bot token by exchanging the code that arrives at its redirect URL,
 * verifies nothing else of ours, and answers /hello by posting with that token.
 */
const APP = `
import http from 'node:http';
const api = process.env.PUMBLE_API_URL;
let botToken;
const body = (req) => new Promise((resolve) => { let text = ''; req.on('data', (c) => (text += c)); req.on('end', () => resolve(text)); });
http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://app');
  if (url.pathname === '/redirect') {
    const form = new URLSearchParams({ 'client-id': process.env.PUMBLE_APP_ID, 'client-secret': process.env.PUMBLE_APP_CLIENT_SECRET, code: url.searchParams.get('code') });
    const answer = await fetch(api + '/oauth2/access', { method: 'POST', body: form });
    botToken = (await answer.json()).botToken;
    res.writeHead(botToken ? 200 : 500).end();
    return;
  }
  const payload = JSON.parse((await body(req)) || '{}');
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  if (url.pathname === '/slash' && botToken) {
    await fetch(api + '/v1/channels/' + payload.channelId + '/messages', {
      method: 'POST',
      headers: { token: botToken, 'x-app-token': process.env.PUMBLE_APP_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello from a token of its own' }),
    });
  }
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const MANIFEST = {
  name: 'own_tokens_bot',
  displayName: 'Own Tokens Bot',
  bot: true,
  scopes: { botScopes: ['messages:write'], userScopes: [] },
  shortcuts: [],
  slashCommands: [{ command: '/hello', url: 'http://localhost:3000/slash', description: 'Says hello' }],
  redirectUrls: ['http://localhost:3000/redirect'],
  eventSubscriptions: { url: 'http://localhost:3000/events', events: [] },
};

describe('switchboard dev --command', () => {
  let dir = '';
  let dev: RunningCli;

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'sb-dev-cmd-')));
    writeFileSync(join(dir, 'app.mjs'), APP);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(MANIFEST, null, 2));
  });

  afterAll(() => {
    if (dev && dev.child.exitCode === null) dev.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the install to an app that keeps its own tokens, through its redirect URL', { timeout: 150_000 }, async () => {
    dev = spawnCli(['dev', '--port', '0', '--command', 'node app.mjs'], { cwd: dir, group: true });
    await dev.waitFor(/Install handed to the app's redirect URL \(HTTP 200\)/, 120_000);
    const [, link] = await dev.waitFor(/Chat {6}(http:\/\/\S+)/);
    await dev.waitFor(/Ready\./);
    const alice = await ChatPerson.fromLink(link);
    const general = await alice.channelId('general');
    expect((await alice.post(general, '/hello')).body.outcome).toBe('acked');
    await alice.waitForText(general, 'hello from a token of its own');
    dev.interrupt();
    expect((await dev.exited).code).toBe(0);
  });
});
