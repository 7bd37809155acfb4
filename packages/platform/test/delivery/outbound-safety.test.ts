import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/delivery/http-transport.js';
import type { Delivery } from '../../src/delivery/transport.js';
import { OutboundPolicy } from '../../src/outbound/index.js';
import { Receiver, SECRET } from './helpers.js';

const delivery = (url: string): Delivery => ({
  id: 'd1',
  appId: 'a1',
  workspaceId: 'w1',
  eventType: 'NEW_MESSAGE',
  channelKey: 'c1',
  payload: '{"n":1}',
  retryCount: 0,
  outboundIndex: null,
  target: { url, signingSecrets: { current: SECRET }, transport: 'http' },
});

describe('outbound URL safety of event deliveries (real HTTP on loopback)', () => {
  const receiver = new Receiver();
  const elsewhere = new Receiver();
  const transports: HttpTransport[] = [];
  const transport = (outbound: OutboundPolicy) => {
    const created = new HttpTransport({ timeoutMs: 2_000, outbound });
    transports.push(created);
    return created;
  };
  const send = (policy: OutboundPolicy, url: string) => transport(policy).send(delivery(url), new AbortController().signal);

  beforeAll(async () => {
    await receiver.start();
    await elsewhere.start();
  });
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await receiver.stop();
    await elsewhere.stop();
  });

  it('refuses a loopback IP by default, without connecting', async () => {
    const before = receiver.received.length;
    expect(await send(OutboundPolicy.strict, `${receiver.url}/events`)).toEqual({ kind: 'retry', error: 'target_forbidden' });
    expect(receiver.received.length).toBe(before);
  });

  it('refuses a host name that resolves to loopback (localhost) and an IPv6 loopback literal', async () => {
    const port = new URL(receiver.url).port;
    expect(await send(OutboundPolicy.strict, `http://localhost:${port}/events`)).toEqual({ kind: 'retry', error: 'target_forbidden' });
    expect(await send(OutboundPolicy.strict, `http://[::1]:${port}/events`)).toEqual({ kind: 'retry', error: 'target_forbidden' });
    expect(await send(OutboundPolicy.strict, `http://[::ffff:127.0.0.1]:${port}/events`)).toEqual({ kind: 'retry', error: 'target_forbidden' });
    expect(receiver.received).toEqual([]);
  });

  it('delivers to an allowlisted address or host name, and still refuses the rest', async () => {
    const port = new URL(receiver.url).port;
    expect(await send(new OutboundPolicy({ allowPrivateTargets: false, allowlist: ['127.0.0.1/32'] }), `${receiver.url}/a`)).toEqual({
      kind: 'ok',
      status: 200,
    });
    const byName = new OutboundPolicy({ allowPrivateTargets: false, allowlist: ['localhost'] });
    expect(await send(byName, `http://localhost:${port}/b`)).toEqual({ kind: 'ok', status: 200 });
    expect(await send(byName, `http://127.0.0.1:${port}/c`)).toEqual({ kind: 'retry', error: 'target_forbidden' });
    expect(receiver.received.map((r) => [r.path, r.verified])).toEqual([
      ['/a', true],
      ['/b', true],
    ]);
  });

  it('delivers anywhere with allowPrivateTargets', async () => {
    expect(await send(OutboundPolicy.unrestricted, `${receiver.url}/open`)).toEqual({ kind: 'ok', status: 200 });
  });

  it('never follows a redirect: a 302 is a failed attempt, and its Location receives nothing', async () => {
    receiver.reply = () => ({ status: 302, headers: { location: `${elsewhere.url}/stolen` } });
    try {
      expect(await send(OutboundPolicy.unrestricted, `${receiver.url}/moved`)).toEqual({ kind: 'retry', status: 302, error: 'http_302' });
    } finally {
      receiver.reply = () => ({ status: 200 });
    }
    expect(receiver.received.at(-1)?.path).toBe('/moved');
    expect(elsewhere.received).toEqual([]);
  });
});
