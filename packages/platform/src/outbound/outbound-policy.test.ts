import { describe, expect, it } from 'vitest';
import { OutboundPolicy } from './outbound-policy.js';

describe('OutboundPolicy', () => {
  it('refuses special ranges by default and names the range', () => {
    const policy = OutboundPolicy.strict;
    expect(policy.refusal('127.0.0.1', '127.0.0.1')).toBe('loopback');
    expect(policy.refusal('localhost', '::1')).toBe('loopback');
    expect(policy.refusal('metadata.internal', '169.254.169.254')).toBe('link_local');
    expect(policy.refusal('example.com', '93.184.215.14')).toBeUndefined();
    expect(policy.trustsHost('localhost')).toBe(false);
  });

  it('allowPrivateTargets lifts every check', () => {
    expect(OutboundPolicy.unrestricted.refusal('localhost', '127.0.0.1')).toBeUndefined();
    expect(OutboundPolicy.unrestricted.refusal('x', '10.0.0.1')).toBeUndefined();
  });

  it('lets allowlisted addresses, CIDRs and host names through, and nothing else', () => {
    const policy = new OutboundPolicy({
      allowPrivateTargets: false,
      allowlist: ['10.1.0.0/16', ' 127.0.0.2 ', 'fd00:1::/32', 'hooks.internal', '*.corp.example', 'HOST.Example.'],
    });
    expect(policy.refusal('a', '10.1.200.3')).toBeUndefined();
    expect(policy.refusal('a', '10.2.0.1')).toBe('private');
    expect(policy.refusal('a', '127.0.0.2')).toBeUndefined();
    // The IPv4 rule covers its IPv4-mapped IPv6 form too.
    expect(policy.refusal('a', '::ffff:127.0.0.2')).toBeUndefined();
    expect(policy.refusal('a', '127.0.0.1')).toBe('loopback');
    expect(policy.refusal('a', 'fd00:1:2::3')).toBeUndefined();
    expect(policy.refusal('a', 'fd00:2::3')).toBe('unique_local');
    expect(policy.refusal('hooks.internal', '10.9.9.9')).toBeUndefined();
    expect(policy.refusal('HOOKS.internal.', '127.0.0.1')).toBeUndefined();
    expect(policy.refusal('a.corp.example', '192.168.0.1')).toBeUndefined();
    expect(policy.refusal('corp.example', '192.168.0.1')).toBe('private');
    expect(policy.refusal('evilcorp.example', '192.168.0.1')).toBe('private');
    expect(policy.refusal('host.example', '192.168.0.1')).toBeUndefined();
    expect(policy.refusal('other.internal', '10.9.9.9')).toBe('private');
  });

  it.each(['10.0.0.0/33', '10.0.0.0/8/1', 'fd00::/129', '10.0.0.0/x', 'http://example.com', 'exa mple.com', 'host/8'])(
    'fails loudly on the invalid allowlist entry %s',
    (entry) => {
      expect(() => new OutboundPolicy({ allowPrivateTargets: false, allowlist: [entry] })).toThrow(/outbound allowlist/);
    },
  );
});
