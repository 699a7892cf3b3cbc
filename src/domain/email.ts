import { hash } from 'node:crypto';
import { domainToASCII, domainToUnicode } from 'node:url';
import { foldCase } from '../text/case-fold';

/**
 * Email addresses as mailboxes (RFC 5321 `Mailbox`, with the UTF-8 extension of RFC 6531, which
 * obsoletes RFC 5336): a dot-string or quoted-string local part, `@`, and a domain of at least two
 * labels. Internationalized domains are accepted as U-labels or A-labels (`xn--`).
 *
 * Address literals (`user@[192.0.2.1]`) are valid in RFC 5321 but are refused here: a marketing
 * platform cannot deliver to them reliably.
 */
export type EmailCheck = { ok: true; address: string; normalized: string } | { ok: false; reason: string };

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\u{10FFFF}]+$/u;
const QTEXT_OR_PAIR = /^(?:[\x20\x21\x23-\x5B\x5D-\x7E\u0080-\u{10FFFF}]|\\[\x20-\x7E])*$/u;
const LDH_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const MAX_LOCAL_OCTETS = 64;
const MAX_ADDRESS_OCTETS = 254;

const octets = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * Validates and normalizes an email address.
 *
 * @example checkEmail(' Ana@Example.COM ') // { ok: true, address: 'Ana@Example.COM', normalized: 'ana@example.com' }
 * @example checkEmail('a@b') // { ok: false, reason: 'the domain "b" needs at least two labels, such as example.com' }
 */
export function checkEmail(input: string): EmailCheck {
  const address = input.trim().normalize('NFC');
  if (address === '') return { ok: false, reason: 'it is empty; send an address such as ana@example.com' };
  if (/<[^<>]*>$/.test(address) || (/[<>]/.test(address) && !address.startsWith('"'))) {
    return { ok: false, reason: 'it looks like it has a display name; send only the address, such as ana@example.com' };
  }
  const at = address.lastIndexOf('@');
  if (at < 0) return { ok: false, reason: 'it has no "@"; send an address such as ana@example.com' };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const localProblem = checkLocalPart(local);
  if (localProblem) return { ok: false, reason: localProblem };
  const domainResult = checkDomain(domain);
  if (typeof domainResult === 'object') return { ok: false, reason: domainResult.reason };
  if (octets(address) > MAX_ADDRESS_OCTETS) {
    return { ok: false, reason: `it is longer than ${MAX_ADDRESS_OCTETS} bytes` };
  }
  return { ok: true, address, normalized: `${foldCase(local)}@${domainResult}` };
}

function checkLocalPart(local: string): string | undefined {
  if (local === '') return 'it has nothing before the "@"';
  if (octets(local) > MAX_LOCAL_OCTETS) return `its local part is longer than ${MAX_LOCAL_OCTETS} bytes`;
  if (local.startsWith('"')) {
    if (local.length < 2 || !local.endsWith('"') || !QTEXT_OR_PAIR.test(local.slice(1, -1))) {
      return 'its quoted local part is malformed';
    }
    return undefined;
  }
  if (/\s/u.test(local)) return 'it contains a space; spaces are only allowed inside a quoted local part';
  const atoms = local.split('.');
  if (atoms.some((a) => a === '')) return 'its local part has an empty part between dots (".." or a leading or trailing ".")';
  if (!atoms.every((a) => ATEXT.test(a))) return 'its local part has a character that is not allowed';
  return undefined;
}

/** Checked domains (a file of a million addresses names a few thousand): bounded, emptied when full. */
const DOMAIN_CACHE = new Map<string, string | { reason: string }>();
const DOMAIN_CACHE_LIMIT = 10_000;

/** Returns the normalized (lower-case Unicode) domain, or the reason it is refused. */
function checkDomain(domain: string): string | { reason: string } {
  let result = DOMAIN_CACHE.get(domain);
  if (result === undefined) {
    if (DOMAIN_CACHE.size >= DOMAIN_CACHE_LIMIT) DOMAIN_CACHE.clear();
    result = uncachedCheckDomain(domain);
    DOMAIN_CACHE.set(domain, result);
  }
  return result;
}

function uncachedCheckDomain(domain: string): string | { reason: string } {
  if (domain === '') return { reason: 'it has nothing after the "@"' };
  if (domain.startsWith('[')) return { reason: 'it uses an address literal; send an address with a domain name' };
  if (/\s/u.test(domain)) return { reason: 'its domain contains a space' };
  const ascii = domainToASCII(domain);
  if (ascii === '') return { reason: `the domain "${domain}" is not a valid domain name` };
  const labels = ascii.split('.');
  if (labels.length < 2) return { reason: `the domain "${domain}" needs at least two labels, such as example.com` };
  if (!labels.every((l) => LDH_LABEL.test(l))) return { reason: `the domain "${domain}" is not a valid domain name` };
  if (ascii.length > 253) return { reason: 'its domain is longer than 253 characters' };
  return foldCase(domainToUnicode(ascii));
}

/**
 * The reserved field `email_hash_number`: the first 4 bytes of SHA-256 over the UTF-8 bytes of the
 * normalized email, read as an unsigned big-endian integer, modulo 100.
 *
 * The same in SQL: `('x' || left(encode(sha256(convert_to(email_normalized, 'UTF8')), 'hex'), 8))::bit(32)::bigint % 100`.
 *
 * @example emailHashNumber('ana@example.com') // a stable number in 0..99
 */
export function emailHashNumber(normalizedEmail: string): number {
  // The first 4 bytes of the SHA-256 of the UTF-8 address, big-endian. The one-shot hex form is the
  // cheapest on an import's hot path (a fifth of createHash's time, with no Buffer per address).
  return parseInt(hash('sha256', normalizedEmail, 'hex').slice(0, 8), 16) % 100;
}

/** The message for an address that failed `checkEmail`. */
export function emailProblem(raw: string, reason: string): string {
  return `${JSON.stringify(raw)} is not a valid email address: ${reason}`;
}
