import { createHash } from 'node:crypto';
import { checkEmail, emailHashNumber } from '../../src/domain/email';

describe('email validation and normalization', () => {
  test.each([
    ['ana@example.com', 'ana@example.com'],
    ['  Ana.Lopez+promo@Example.COM ', 'ana.lopez+promo@example.com'],
    ['"ana lopez"@example.com', '"ana lopez"@example.com'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['ÉMILE@exemple.fr', 'émile@exemple.fr'],
    ['用户@例子.广告', '用户@例子.广告'],
    ['user@xn--bcher-kva.de', 'user@bücher.de'],
    ['user@BÜCHER.de', 'user@bücher.de'],
    ['x@sub.domain.co.uk', 'x@sub.domain.co.uk'],
  ])('accepts %j as %j', (input, normalized) => {
    expect(checkEmail(input)).toEqual({ ok: true, address: input.trim().normalize('NFC'), normalized });
  });

  test.each([
    ['a@b', 'the domain "b" needs at least two labels, such as example.com'],
    ['"Ana" <ana@example.com>', 'it looks like it has a display name; send only the address, such as ana@example.com'],
    ['Ana <ana@example.com>', 'it looks like it has a display name; send only the address, such as ana@example.com'],
    ['ana lopez@example.com', 'it contains a space; spaces are only allowed inside a quoted local part'],
    ['ana@exa mple.com', 'its domain contains a space'],
    ['@example.com', 'it has nothing before the "@"'],
    ['ana@', 'it has nothing after the "@"'],
    ['ana.example.com', 'it has no "@"; send an address such as ana@example.com'],
    ['ana..lopez@example.com', 'its local part has an empty part between dots (".." or a leading or trailing ".")'],
    ['ana@[192.0.2.1]', 'it uses an address literal; send an address with a domain name'],
    ['ana@-example.com', 'the domain "-example.com" is not a valid domain name'],
    ['ana@example.123', 'the domain "example.123" is not a valid domain name'],
    [`${'a'.repeat(65)}@example.com`, 'its local part is longer than 64 bytes'],
    ['', 'it is empty; send an address such as ana@example.com'],
  ])('rejects %j: %s', (input, reason) => {
    expect(checkEmail(input)).toEqual({ ok: false, reason });
  });
});

describe('email_hash_number', () => {
  test('is the documented function: first 4 bytes of SHA-256, big-endian, modulo 100', () => {
    const expected = parseInt(createHash('sha256').update('ana@example.com', 'utf8').digest('hex').slice(0, 8), 16) % 100;
    expect(emailHashNumber('ana@example.com')).toBe(expected);
  });

  test('spreads evenly over 100k addresses', () => {
    const buckets = new Array<number>(100).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[emailHashNumber(`customer${i}@example.com`)]!++;
    // 1,000 expected per bucket; a chi-square over 99 degrees of freedom stays under 150 with p > 0.999
    const chiSquare = buckets.reduce((sum, n) => sum + (n - 1000) ** 2 / 1000, 0);
    expect(Math.min(...buckets)).toBeGreaterThan(850);
    expect(Math.max(...buckets)).toBeLessThan(1150);
    expect(chiSquare).toBeLessThan(150);
  });
});
