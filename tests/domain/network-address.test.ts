import { blockedAddressReason, parseIPv6 } from '../../src/domain/network-address';

describe('blockedAddressReason: which addresses a webhook delivery may not reach', () => {
  test.each([
    ['0.0.0.0', 'the unspecified "this network" range 0.0.0.0/8'],
    ['10.1.2.3', 'the private range 10.0.0.0/8'],
    ['100.64.0.1', 'the carrier-grade NAT range 100.64.0.0/10'],
    ['127.0.0.1', 'the loopback range 127.0.0.0/8'],
    ['127.255.255.254', 'the loopback range 127.0.0.0/8'],
    ['169.254.169.254', 'the link-local range 169.254.0.0/16 (cloud metadata)'],
    ['172.16.0.1', 'the private range 172.16.0.0/12'],
    ['172.31.255.255', 'the private range 172.16.0.0/12'],
    ['192.168.1.1', 'the private range 192.168.0.0/16'],
    ['198.18.0.1', 'the benchmarking range 198.18.0.0/15'],
    ['224.0.0.1', 'the multicast range 224.0.0.0/4'],
    ['255.255.255.255', 'the reserved range 240.0.0.0/4 (and broadcast)'],
    ['::1', 'the IPv6 loopback ::1'],
    ['::', 'the unspecified IPv6 address ::'],
    ['0:0:0:0:0:0:0:1', 'the IPv6 loopback ::1'],
    ['fc00::1', 'the IPv6 unique-local range fc00::/7'],
    ['fd00:ec2::254', 'the IPv6 unique-local range fc00::/7'],
    ['fe80::1%eth0', 'the IPv6 link-local range fe80::/10'],
    ['FE80::abcd', 'the IPv6 link-local range fe80::/10'],
    ['ff02::1', 'the IPv6 multicast range ff00::/8'],
    ['::ffff:127.0.0.1', 'IPv4-mapped 127.0.0.1 in the loopback range 127.0.0.0/8'],
    ['::ffff:7f00:1', 'IPv4-mapped 127.0.0.1 in the loopback range 127.0.0.0/8'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped 169.254.169.254 in the link-local range 169.254.0.0/16 (cloud metadata)'],
    ['0:0:0:0:0:ffff:10.0.0.1', 'IPv4-mapped 10.0.0.1 in the private range 10.0.0.0/8'],
    ['::192.168.0.1', 'IPv4-compatible 192.168.0.1 in the private range 192.168.0.0/16'],
    ['::8.8.8.8', 'a deprecated IPv4-compatible IPv6 address'],
    ['64:ff9b::a00:1', 'NAT64 10.0.0.1 in the private range 10.0.0.0/8'],
    ['2002:7f00:1::', '6to4 127.0.0.1 in the loopback range 127.0.0.0/8'],
    ['not-an-ip', 'not an IP address'],
    ['1:2:3:4:5:6:7:8:9', 'not an IP address'],
    ['1::2::3', 'not an IP address'],
  ])('%s is refused: %s', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  test.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '172.32.0.1', '172.15.255.255', '192.169.0.1', '100.128.0.1', '169.255.0.1', '11.0.0.1',
    '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', 'fbff::1', '2a00:1450::1'])(
    '%s is public', (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );

  test('IPv6 text forms parse to the same sixteen bytes', () => {
    const loopback = [...Array<number>(15).fill(0), 1];
    expect(parseIPv6('::1')).toEqual(loopback);
    expect(parseIPv6('0:0:0:0:0:0:0:1')).toEqual(loopback);
    expect(parseIPv6('::0.0.0.1')).toEqual(loopback);
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIPv6('1:2:3:4:5:6:7::')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]);
    expect(parseIPv6('1:2:3:4:5:6:7:8::')).toBeUndefined();
    expect(parseIPv6('12345::')).toBeUndefined();
  });
});
