import { BlockList, isIP } from 'node:net';
import { type SpecialRange, specialRange } from './address-ranges.js';

export interface OutboundPolicyOptions {
  /** Lifts every range check (development, tests on loopback). Production default: false. */
  allowPrivateTargets: boolean;
  /**
   * Exceptions that stay reachable when private: IP addresses, CIDRs (`10.1.0.0/16`, `fd00::/8`),
   * host names (`hooks.internal`) or host name suffixes (`*.corp.example`).
   */
  allowlist?: readonly string[];
}

const HOST_NAME = /^(?:\*\.)?(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

const normaliseHost = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');

/**
 * Which addresses outbound deliveries (events, triggers, webhook verification) may connect to.
 * Checked by the guarded connector on every resolved address and on the socket's remote address,
 * so a host name that resolves (or rebinds) to an internal address is refused too.
 */
export class OutboundPolicy {
  /** Lets everything through; for tests that deliver to loopback receivers. */
  static readonly unrestricted = new OutboundPolicy({ allowPrivateTargets: true });
  /** The production default: public unicast addresses only. */
  static readonly strict = new OutboundPolicy({ allowPrivateTargets: false });

  readonly allowPrivateTargets: boolean;
  /** What it was built from: a worker thread builds the same policy from it. */
  readonly options: OutboundPolicyOptions;
  private readonly addresses = new BlockList();
  private readonly hosts = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly refusedListeners: ((range: SpecialRange | 'unknown') => void)[] = [];

  /** @throws Error naming the entry when an allowlist entry is neither an address, a CIDR nor a host name (fail at start-up). */
  constructor(options: OutboundPolicyOptions) {
    this.allowPrivateTargets = options.allowPrivateTargets;
    this.options = { allowPrivateTargets: options.allowPrivateTargets, ...(options.allowlist ? { allowlist: [...options.allowlist] } : {}) };
    for (const raw of options.allowlist ?? []) this.allow(raw.trim());
  }

  private allow(entry: string): void {
    if (entry === '') return;
    const [network, prefix, extra] = entry.split('/');
    const family = isIP(normaliseHost(network));
    if (family !== 0) {
      const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
      if (extra !== undefined || !/^\d{1,3}$/.test(prefix ?? '0') || bits > (family === 4 ? 32 : 128)) {
        throw new Error(`outbound allowlist: "${entry}" is not a valid CIDR`);
      }
      this.addresses.addSubnet(normaliseHost(network), bits, family === 4 ? 'ipv4' : 'ipv6');
      return;
    }
    const host = normaliseHost(entry);
    if (prefix !== undefined || !HOST_NAME.test(host)) {
      throw new Error(`outbound allowlist: "${entry}" is neither an IP address, a CIDR nor a host name`);
    }
    if (host.startsWith('*.')) this.suffixes.push(host.slice(1));
    else this.hosts.add(host);
  }

  /** Told of every connection refused under this policy (metrics). Listeners must not throw. */
  onRefused(listener: (range: SpecialRange | 'unknown') => void): void {
    this.refusedListeners.push(listener);
  }

  /** Called by the guarded connector when it refuses a connection. */
  refused(range: SpecialRange | 'unknown'): void {
    for (const listener of this.refusedListeners) listener(range);
  }

  /** True when connections to this host skip the address checks (allowPrivateTargets, or an allowlisted host name). */
  trustsHost(hostname: string): boolean {
    if (this.allowPrivateTargets) return true;
    const host = normaliseHost(hostname);
    return this.hosts.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix));
  }

  /**
   * Why connecting to `address` (for a URL naming `hostname`) is refused, or undefined when allowed.
   * @example policy.refusal('localhost', '127.0.0.1') // 'loopback'
   */
  refusal(hostname: string, address: string): SpecialRange | undefined {
    if (this.trustsHost(hostname)) return undefined;
    const range = specialRange(address);
    if (range === undefined) return undefined;
    const plain = normaliseHost(address).replace(/%.*$/, '');
    const family = isIP(plain);
    if (family !== 0 && this.addresses.check(plain, family === 4 ? 'ipv4' : 'ipv6')) return undefined;
    return range;
  }
}
