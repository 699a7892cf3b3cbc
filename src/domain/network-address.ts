/**
 * Which IP addresses an outbound call (a webhook delivery) may not reach unless the operator allows
 * private addresses: loopback, private, link-local (cloud metadata at 169.254.169.254 included),
 * carrier-grade NAT, unspecified, multicast, reserved and documentation ranges, in IPv4 and IPv6.
 * IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address inside.
 */

interface Range {
  readonly bytes: readonly number[];
  readonly bits: number;
  readonly name: string;
}

function v4(cidr: string, name: string): Range {
  const [address, bits] = cidr.split('/');
  return { bytes: parseIPv4(address!)!, bits: Number(bits), name };
}

function v6(cidr: string, name: string): Range {
  const [address, bits] = cidr.split('/');
  return { bytes: parseIPv6(address!)!, bits: Number(bits), name };
}

const IPV4_BLOCKED: readonly Range[] = [
  v4('0.0.0.0/8', 'the unspecified "this network" range 0.0.0.0/8'),
  v4('10.0.0.0/8', 'the private range 10.0.0.0/8'),
  v4('100.64.0.0/10', 'the carrier-grade NAT range 100.64.0.0/10'),
  v4('127.0.0.0/8', 'the loopback range 127.0.0.0/8'),
  v4('169.254.0.0/16', 'the link-local range 169.254.0.0/16 (cloud metadata)'),
  v4('172.16.0.0/12', 'the private range 172.16.0.0/12'),
  v4('192.0.0.0/24', 'the IETF protocol range 192.0.0.0/24'),
  v4('192.0.2.0/24', 'the documentation range 192.0.2.0/24'),
  v4('192.168.0.0/16', 'the private range 192.168.0.0/16'),
  v4('198.18.0.0/15', 'the benchmarking range 198.18.0.0/15'),
  v4('198.51.100.0/24', 'the documentation range 198.51.100.0/24'),
  v4('203.0.113.0/24', 'the documentation range 203.0.113.0/24'),
  v4('224.0.0.0/4', 'the multicast range 224.0.0.0/4'),
  v4('240.0.0.0/4', 'the reserved range 240.0.0.0/4 (and broadcast)'),
];

const IPV6_BLOCKED: readonly Range[] = [
  v6('::1/128', 'the IPv6 loopback ::1'),
  v6('::/128', 'the unspecified IPv6 address ::'),
  v6('100::/64', 'the IPv6 discard range 100::/64'),
  v6('2001:db8::/32', 'the IPv6 documentation range 2001:db8::/32'),
  v6('fc00::/7', 'the IPv6 unique-local range fc00::/7'),
  v6('fe80::/10', 'the IPv6 link-local range fe80::/10'),
  v6('fec0::/10', 'the IPv6 site-local range fec0::/10'),
  v6('ff00::/8', 'the IPv6 multicast range ff00::/8'),
];

/** IPv6 prefixes whose last 32 bits (or, for 6to4, bits 16–47) are an IPv4 address. */
const IPV4_INSIDE_IPV6: readonly { readonly range: Range; readonly at: number; readonly form: string }[] = [
  { range: v6('::ffff:0:0/96', ''), at: 12, form: 'IPv4-mapped' },
  { range: v6('::/96', ''), at: 12, form: 'IPv4-compatible' },
  { range: v6('64:ff9b::/96', ''), at: 12, form: 'NAT64' },
  { range: v6('2002::/16', ''), at: 2, form: '6to4' },
];

function inRange(bytes: readonly number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.bits; bit += 8) {
    const take = Math.min(8, range.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[bit / 8]! & mask) !== (range.bytes[bit / 8]! & mask)) return false;
  }
  return true;
}

/** The four bytes of a dotted-quad IPv4 address, or undefined. */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

/** The sixteen bytes of an IPv6 address (`::` shorthand, a trailing dotted quad, a `%zone` ignored), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  let rest = text.replace(/%.*$/, '');
  const quad = /(?:^|:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(rest);
  if (quad) {
    const b = parseIPv4(quad[1]!);
    if (!b) return undefined;
    rest = `${rest.slice(0, rest.length - quad[1]!.length)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => (s === '' ? [] : s.split(':').every((g) => /^[0-9a-f]{1,4}$/i.test(g)) ? s.split(':') : undefined);
  const head = groups(halves[0]!);
  const back = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !back) return undefined;
  const fill = 8 - head.length - back.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const words = [...head, ...Array<string>(fill).fill('0'), ...back].map((g) => parseInt(g, 16));
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/**
 * Why `address` (an IPv4 or IPv6 address as text) is not a public address, or null when it is.
 *
 * @example blockedAddressReason('169.254.169.254') // 'the link-local range 169.254.0.0/16 (cloud metadata)'
 * @example blockedAddressReason('::ffff:127.0.0.1') // 'IPv4-mapped 127.0.0.1 in the loopback range 127.0.0.0/8'
 * @example blockedAddressReason('93.184.215.14') // null
 */
export function blockedAddressReason(address: string): string | null {
  const four = parseIPv4(address);
  if (four) return IPV4_BLOCKED.find((r) => inRange(four, r))?.name ?? null;
  const six = parseIPv6(address);
  if (!six) return 'not an IP address';
  for (const { range, at, form } of IPV4_INSIDE_IPV6) {
    if (!inRange(six, range)) continue;
    // ::1 and :: sit inside ::/96 too; they have names of their own below.
    if (form === 'IPv4-compatible' && (inRange(six, IPV6_BLOCKED[0]!) || inRange(six, IPV6_BLOCKED[1]!))) break;
    const inner = six.slice(at, at + 4);
    const reason = IPV4_BLOCKED.find((r) => inRange(inner, r))?.name;
    if (reason) return `${form} ${inner.join('.')} in ${reason}`;
    if (form === 'IPv4-compatible') return 'a deprecated IPv4-compatible IPv6 address';
    return null;
  }
  return IPV6_BLOCKED.find((r) => inRange(six, r))?.name ?? null;
}
