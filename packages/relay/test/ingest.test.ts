import { signOutbound } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PlatformApp,
  platformWithApp,
  postHook,
  pumbleHeaders,
  relayCall,
  startTestRelay,
  TestConsumer,
  type TestRelay,
  watsonHeaders,
} from './relay-kit.js';

const SECRET = 'hook-secret-0123456789';

describe('relay: registration and ingest (PROTOCOL.md 9, seed 004)', () => {
  let p: PlatformApp;
  let r: TestRelay;
  let token: string;
  let appId: string;

  beforeAll(async () => {
    p = await platformWithApp();
    r = await startTestRelay({ platformUrl: p.t.url, bodyLimit: 64 * 1024 });
    token = await p.token();
    appId = p.app.id;
  });
  afterAll(async () => {
    await r?.stop();
    await p?.t.stop();
  });

  it('registers with the app token (201) and refuses a missing, foreign or forged token', async () => {
    expect((await relayCall(r.url, undefined, 'PUT', `/webhooks/${appId}`, { secret: SECRET })).body).toMatchObject({ code: 'unauthenticated' });
    const forged = `${token.slice(0, -4)}AAAA`;
    const bad = await relayCall(r.url, forged, 'PUT', `/webhooks/${appId}`, { secret: SECRET });
    expect(bad).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    const other = await relayCall(r.url, token, 'PUT', '/webhooks/someone-else', { secret: SECRET });
    expect(other).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const invalid = await relayCall(r.url, token, 'PUT', `/webhooks/${appId}`, { secret: '' });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const created = await relayCall(r.url, token, 'PUT', `/webhooks/${appId}`, { secret: SECRET });
    expect(created).toEqual({ status: 201, body: { appId, created: true } });
    const again = await relayCall(r.url, token, 'PUT', `/webhooks/${appId}`, { secret: SECRET });
    expect(again).toEqual({ status: 201, body: { appId, created: false } });
  });

  it('stores a Pumble-signed JSON event (201) and a Watson-signed one, and refuses wrong and stale signatures', async () => {
    const body = JSON.stringify({ messageType: 'PUMBLE_EVENT', eventType: 'NEW_MESSAGE', workspaceId: 'W', workspaceUserIds: ['U'], body: '{"tx":"hi"}' });
    const stored = await postHook(r.url, appId, pumbleHeaders(SECRET, body), body);
    expect(stored.status).toBe(201);
    const { id } = (await stored.json()) as { id: string };
    expect(id).toMatch(/^evt_/);

    const wrong = await postHook(r.url, appId, pumbleHeaders('not-the-secret', body), body);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'invalid_signature' });
    const stale = await postHook(r.url, appId, pumbleHeaders(SECRET, body, Date.now() - 10 * 60_000), body);
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ code: 'stale_timestamp' });
    const unsigned = await postHook(r.url, appId, { 'content-type': 'application/json' }, body);
    expect(unsigned.status).toBe(401);

    const watson = JSON.stringify({ type: 'message-created', content: 'hello' });
    expect((await postHook(r.url, appId, watsonHeaders(SECRET, watson, { 'x-outbound-index': '7' }), watson)).status).toBe(201);
    const badToken = await postHook(r.url, appId, { 'content-type': 'application/json', 'x-outbound-token': signOutbound('nope', watson) }, watson);
    expect(badToken.status).toBe(401);
    const tampered = await postHook(r.url, appId, watsonHeaders(SECRET, watson), watson.replace('hello', 'HELLO'));
    expect(tampered.status).toBe(401);

    const listed = await relayCall<{ events: { id: string; outboundIndex: string | null; state: string }[] }>(
      r.url,
      token,
      'GET',
      `/webhooks/${appId}/events?state=queued`,
    );
    expect(listed.body.events.map((e) => e.id)).toContain(id);
    expect(listed.body.events.find((e) => e.outboundIndex === '7')).toBeTruthy();
  });

  it('passes JSON and form-encoded bodies byte for byte with their headers, so the app can verify them itself', async () => {
    await relayCall(r.url, token, 'PUT', `/webhooks/${appId}`, { secret: SECRET });
    // Whitespace and key order a re-serialisation would change.
    const json = '{ "type":"message-created",  "content":"caf\u00e9 \u2603",\n"z":1 , "a":2 }';
    const form = 'payload=%7B%22a%22%3A1%7D&note=caf%C3%A9+ok';
    await postHook(r.url, appId, watsonHeaders(SECRET, json, { 'x-switchboard-delivery-id': 'd-json' }), json);
    const formHeaders: Record<string, string> = { ...pumbleHeaders(SECRET, form), 'content-type': 'application/x-www-form-urlencoded' };
    await postHook(r.url, appId, formHeaders, form);

    const consumer = new TestConsumer(r.url, appId, token);
    await consumer.open();
    await consumer.waitFor(() => consumer.events().some((e) => e.raw === form), 'the form event');
    const jsonFrame = consumer.events().find((e) => e.raw === json);
    const formFrame = consumer.events().find((e) => e.raw === form);
    expect(jsonFrame?.data).toEqual(JSON.parse(json));
    expect((jsonFrame?.headers as Record<string, string> | undefined)?.['x-outbound-token']).toBe(signOutbound(SECRET, json));
    expect((jsonFrame?.headers as Record<string, string> | undefined)?.['x-switchboard-delivery-id']).toBe('d-json');
    expect(formFrame?.data).toBe(form);
    expect((formFrame?.headers as Record<string, string> | undefined)?.['content-type']).toBe('application/x-www-form-urlencoded');
    expect((formFrame?.headers as Record<string, string> | undefined)?.['x-pumble-request-signature']).toBe(formHeaders['x-pumble-request-signature']);
    for (const frame of consumer.events()) consumer.ack(frame.id as string);
    await consumer.close();
  });

  it('keeps bytes that are not UTF-8, base64 in the frame', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x41]);
    const ts = String(Date.now());
    const { signPumble } = await import('@switchboard/protocol');
    const response = await postHook(
      r.url,
      appId,
      { 'content-type': 'application/octet-stream', 'x-pumble-request-timestamp': ts, 'x-pumble-request-signature': signPumble(SECRET, ts, bytes) },
      bytes,
    );
    expect(response.status).toBe(201);
    const consumer = new TestConsumer(r.url, appId, token);
    await consumer.open();
    await consumer.waitFor(() => consumer.events().some((e) => e.rawEncoding === 'base64'), 'the binary event');
    const frame = consumer.events().find((e) => e.rawEncoding === 'base64');
    expect(Buffer.from(frame?.raw as string, 'base64').equals(bytes)).toBe(true);
    for (const f of consumer.events()) consumer.ack(f.id as string);
    await consumer.close();
  });

  it('answers the Watson challenge itself, signed with the secret (seed 003), and stores nothing', async () => {
    const body = JSON.stringify({ type: 'verification', challenge: 'c-123' });
    const response = await postHook(r.url, appId, watsonHeaders(SECRET, body), body);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ response: 'c-123' });
    expect(response.headers.get('x-outbound-token')).toBe(signOutbound(SECRET, text));
    const forged = await postHook(r.url, appId, watsonHeaders('wrong', body), body);
    expect(forged.status).toBe(401);
  });

  it('answers 404 for an unregistered app, 413 past the body limit, 400 for an empty body', async () => {
    const body = '{"type":"x"}';
    const unknown = await postHook(r.url, 'no-such-app', watsonHeaders(SECRET, body), body);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not_found' });
    const big = `{"pad":"${'x'.repeat(70 * 1024)}"}`;
    const tooLarge = await postHook(r.url, appId, watsonHeaders(SECRET, big), big);
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ code: 'payload_too_large' });
    const empty = await fetch(`${r.url}/hook/${appId}`, { method: 'POST' });
    expect(empty.status).toBe(400);
    const badId = await postHook(r.url, 'bad%20id', watsonHeaders(SECRET, body), body);
    expect(badId.status).toBe(400);
  });

  it('stores a redelivery of a still-queued delivery id once', async () => {
    const body = JSON.stringify({ type: 'message-created', content: 'once' });
    const headers = watsonHeaders(SECRET, body, { 'x-switchboard-delivery-id': 'dup-1' });
    const first = (await (await postHook(r.url, appId, headers, body)).json()) as { id: string };
    const second = await postHook(r.url, appId, headers, body);
    expect(second.status).toBe(201);
    expect(((await second.json()) as { id: string }).id).toBe(first.id);
    const listed = await relayCall<{ events: { deliveryId: string }[] }>(r.url, token, 'GET', `/webhooks/${appId}/events?state=queued`);
    expect(listed.body.events.filter((e) => e.deliveryId === 'dup-1')).toHaveLength(1);
  });

  it('unregisters: registration and stored events are gone', async () => {
    const deleted = await relayCall(r.url, token, 'DELETE', `/webhooks/${appId}`);
    expect(deleted).toEqual({ status: 200, body: { appId, deleted: true } });
    const listed = await relayCall<{ events: unknown[] }>(r.url, token, 'GET', `/webhooks/${appId}/events`);
    expect(listed.body.events).toEqual([]);
    const body = '{"type":"x"}';
    expect((await postHook(r.url, appId, watsonHeaders(SECRET, body), body)).status).toBe(404);
    expect((await relayCall(r.url, token, 'DELETE', `/webhooks/${appId}`)).status).toBe(404);
  });
});
