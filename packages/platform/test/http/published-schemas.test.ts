import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../harness.js';

describe('published schemas', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startPlatform();
  });
  afterAll(async () => t?.stop());

  it('serves an OpenAPI document generated from the route schemas, covering the Pumble paths', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; responses?: unknown }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/v1/auth/login',
      '/workspaces/{workspaceId}/refresh',
      '/v1/channels/{channelId}/messages',
      '/v1/messages/{messageId}/reactions',
      '/workspaces/{workspaceId}/workspaceUsers/{workspaceUserId}/apps',
      '/oauth2/access',
      '/oauth2/me',
      '/oauth/token',
      '/v1/app/installation',
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(doc.paths['/v1/channels/{channelId}/messages'].post.requestBody).toBeDefined();
    expect(doc.paths['/v1/channels/{channelId}/messages'].post.responses).toHaveProperty('201');
  });

  it('serves the manifest JSON Schema', async () => {
    const res = await fetch(`${t.url}/schemas/manifest.json`);
    expect(res.status).toBe(200);
    const schema = (await res.json()) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['name', 'displayName', 'bot', 'scopes', 'slashCommands', 'eventSubscriptions', 'redirectUrls']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'displayName', 'bot', 'scopes']));
  });

  it('answers unknown routes and garbage with a JSON error, never a 5xx', async () => {
    const unknown = await fetch(`${t.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('not_found');
    const garbage = await fetch(`${t.url}/oauth2/access`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client-id":' });
    expect(garbage.status).toBe(400);
    const form = await fetch(`${t.url}/oauth2/access`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'client-id=x',
    });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { code: string }).code).toBe('validation_failed');
  });
});
