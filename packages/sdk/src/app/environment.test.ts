import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonFileTokenStore } from '../stores/json-file-token-store.js';
import type { AppOptions } from './app-options.js';
import { appEnvironment, withEnvironment } from './environment.js';

describe('the app environment switchboard dev hands over', () => {
  it('reads our names first, then Pumble names, and drops empty ones', () => {
    const env = {
      SWITCHBOARD_API_URL: 'http://127.0.0.1:8080',
      PUMBLE_API_URL: 'https://api.pumble.test',
      PUMBLE_APP_ID: 'A1',
      SWITCHBOARD_APP_KEY: ' ',
      PUMBLE_APP_KEY: 'key-p',
      PUMBLE_APP_CLIENT_SECRET: 'cs',
      PUMBLE_APP_SIGNING_SECRET: 'ss',
      PORT: '4100',
    };
    expect(appEnvironment(env)).toEqual({
      apiBaseUrl: 'http://127.0.0.1:8080',
      appId: 'A1',
      appKey: 'key-p',
      clientSecret: 'cs',
      signingSecret: 'ss',
      port: 4100,
    });
    expect(appEnvironment({ PORT: 'eighty' }).port).toBeUndefined();
  });

  it('fills only what the caller left out; the token file becomes a JSON token store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdk-env-'));
    try {
      const env = { SWITCHBOARD_API_URL: 'http://p', SWITCHBOARD_APP_KEY: 'k', SWITCHBOARD_SIGNING_SECRET: 's', SWITCHBOARD_TOKEN_FILE: join(dir, 't.json') };
      const filled = withEnvironment<AppOptions>({ signingSecret: 'given' }, env);
      expect(filled).toMatchObject({ signingSecret: 'given', apiBaseUrl: 'http://p', appKey: 'k' });
      expect(filled.tokenStore).toBeInstanceOf(JsonFileTokenStore);
      expect(withEnvironment<AppOptions>({}, { SWITCHBOARD_TOKEN_FILE: join(dir, 't.json') }).tokenStore).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
