import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Feed secrets at rest: AES-256-GCM with the key from FEED_SECRET_KEY (32 bytes, as 64 hex digits
 * or base64), a fresh 12-byte IV per secret, stored as `v1:<iv>:<tag>:<ciphertext>` (base64).
 * The tag authenticates the ciphertext, so a wrong key or a changed value is an error, never
 * garbage.
 */
export function encryptSecret(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
}

export function decryptSecret(key: Buffer, stored: string): string {
  const [version, iv, tag, data] = stored.split(':');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('the stored feed secret has an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
}
