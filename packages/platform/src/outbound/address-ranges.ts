import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Why an address is not on the public internet (the name is what refusals report). */
export type SpecialRange =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'benchmarking'
  | 'documentation'
  | 'multicast'
  | 'reserved'
  | 'unique_local';

/** IPv4 special-purpose ranges (RFC 6890 registry) a platform must never be made to call. */
const IPV4_RANGES: readonly [string, number, SpecialRange][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  // 240/4 "future use" includes the limited broadcast 255.255.255.255.
  ['240.0.0.0', 4, 'reserved'],
];

/**
 * IPv6 special-purpose ranges. Ranges that embed an IPv4 address (mapped ::ffff:0:0/96, NAT64
 * 64:ff9b::/96, 6to4 2002::/16) are not listed: the embedded address is classified instead.
 * Order matters: the first match names the range (::1 is loopback before ::/96 is reserved).
 */
const IPV6_RANGES: readonly [string, number, SpecialRange][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  // Deprecated IPv4-compatible addresses.
  ['::', 96, 'reserved'],
  // Local-use NAT64 translates into the operator's own network.
  ['64:ff9b:1::', 48, 'private'],
  ['100::', 64, 'reserved'],
  // IETF protocol assignments, Teredo (2001::/32) included.
  ['2001::', 23, 'reserved'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['fc00::', 7, 'unique_local'],
  ['fe80::', 10, 'link_local'],
  // Deprecated site-local addresses behave like private ones where still routed.
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
];

function blockLists(ranges: readonly [string, number, SpecialRange][], family: 'ipv4' | 'ipv6'): [BlockList, SpecialRange][] {
  return ranges.map(([network, prefix, name]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return [list, name];
  });
}

const V4 = blockLists(IPV4_RANGES, 'ipv4');
const V6 = blockLists(IPV6_RANGES, 'ipv6');

/** The 16 bytes of an IPv6 address (zone id dropped, trailing dotted quad allowed); undefined when it is not one. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  const address = text.replace(/%.*$/, '');
  if (!isIPv6(address)) return undefined;
  const groups: number[] = [];
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a, b, c, d] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const first = parse(head);
  const last = tail === undefined ? [] : parse(tail);
  groups.push(...first, ...new Array(8 - first.length - last.length).fill(0), ...last);
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((value, index) => bytes[index] === value);
const dotted = (bytes: Uint8Array, from: number) => `${bytes[from]}.${bytes[from + 1]}.${bytes[from + 2]}.${bytes[from + 3]}`;

/** The IPv4 address an IPv6 address stands for (mapped, NAT64 well-known prefix, 6to4), if any. */
export function embeddedIpv4(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])) return dotted(bytes, 12);
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return dotted(bytes, 12);
  if (startsWith(bytes, [0x20, 0x02])) return dotted(bytes, 2);
  return undefined;
}

/**
 * The special range an IP address belongs to, or undefined for a public unicast address.
 * Anything that is not a valid IP address is reported as `reserved` (never trusted).
 * @example specialRange('::ffff:127.0.0.1') // 'loopback'
 */
export function specialRange(address: string): SpecialRange | undefined {
  if (isIPv4(address)) return V4.find(([list]) => list.check(address, 'ipv4'))?.[1];
  const bytes = ipv6Bytes(address);
  if (!bytes) return 'reserved';
  const v4 = embeddedIpv4(bytes);
  if (v4 !== undefined) return specialRange(v4);
  const plain = address.replace(/%.*$/, '');
  return V6.find(([list]) => list.check(plain, 'ipv6'))?.[1];
}
