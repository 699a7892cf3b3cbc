/**
 * A URL path segment's text: percent-decoded, or as it came when its escapes are malformed
 * (`exp_%zz`, `%E0%A4%A`). Such text matches no ID, so the route answers as for any unknown ID (404
 * after the key is checked, or the ID's own 400), never 500 from a `URIError`.
 *
 * @example pathSegment('seg_a%5Fb') // 'seg_a_b'
 * @example pathSegment('exp_%zz') // 'exp_%zz'
 */
export function pathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
