import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { SpecialRange } from './address-ranges.js';
import type { OutboundPolicy } from './outbound-policy.js';

/** The stable code of a refused outbound target (events record it as `last_error`). */
export const TARGET_FORBIDDEN = 'target_forbidden';

/** A connection the outbound policy refused; undici hands it to the request unchanged. */
export class ForbiddenTargetError extends Error {
  readonly code = TARGET_FORBIDDEN;

  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: SpecialRange | 'unknown',
  ) {
    super(`Refused to connect to ${host} (${address}): ${range.replace('_', '-')} addresses are not allowed as delivery targets.`);
    this.name = 'ForbiddenTargetError';
  }
}

export function isForbiddenTarget(error: unknown): error is ForbiddenTargetError {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === TARGET_FORBIDDEN;
}

function refuse(policy: OutboundPolicy, host: string, address: string, range: SpecialRange | 'unknown'): ForbiddenTargetError {
  policy.refused(range);
  return new ForbiddenTargetError(host, address, range);
}

/**
 * A resolver that only returns addresses the policy allows: a host name resolving to both a
 * public and an internal address is connected to the public one; one resolving only to
 * internal addresses fails with ForbiddenTargetError before any connection is attempted.
 */
function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((entry) => policy.refusal(hostname, entry.address) === undefined);
      if (allowed.length === 0) {
        const first = addresses[0]?.address ?? '';
        return callback(refuse(policy, hostname, first, policy.refusal(hostname, first) ?? 'unknown'), '', 0);
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

/**
 * An undici connector that enforces `policy` on every connection of the pools using it:
 * IP literals are checked before connecting, host names through the resolver above, and the
 * socket's actual remote address once more after connecting (so nothing between resolution
 * and connection — DNS rebinding, a resolver bypass — can reach an internal address).
 * Undefined when the policy allows everything (no per-connection cost).
 */
export function guardedConnector(policy: OutboundPolicy, options: buildConnector.BuildOptions = {}): buildConnector.connector | undefined {
  if (policy.allowPrivateTargets) return undefined;
  const connect = buildConnector({ ...options, lookup: guardedLookup(policy) });
  return (target, callback) => {
    const host = target.hostname;
    if (isIP(host) !== 0) {
      const range = policy.refusal(host, host);
      if (range) return callback(refuse(policy, host, host, range), null);
    }
    connect(target, (error, socket) => {
      if (error || !socket) return callback(error ?? new Error('connect failed'), null);
      const remote = socket.remoteAddress;
      const range = remote === undefined ? 'unknown' : policy.refusal(host, remote);
      if (range) {
        socket.destroy();
        return callback(refuse(policy, host, remote ?? 'unknown', range), null);
      }
      callback(null, socket);
    });
  };
}

/** A keep-alive pool whose every connection is checked against `policy`. Never follows redirects (undici does not). */
export function guardedAgent(policy: OutboundPolicy, options: Agent.Options = {}): Agent {
  const connect = guardedConnector(policy);
  return new Agent({ ...options, ...(connect ? { connect } : {}) });
}
