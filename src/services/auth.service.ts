import type { EntityManager } from '@mikro-orm/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiKeyService, hashSecret, type KeyIdentity } from './api-key.service';

export type Authentication =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'admin' }
  | { readonly kind: 'key'; readonly identity: KeyIdentity };

/** How long a verified key is trusted without asking the database again. */
export const AUTH_CACHE_MS = 5_000;

/**
 * Turns an Authorization header into a caller. Verified keys are cached for a few seconds, so
 * a busy client costs one key lookup per interval, not per request. A revoke clears the cache.
 */
export class AuthService {
  private readonly cache = new Map<string, { identity: KeyIdentity; until: number }>();
  private readonly adminDigest: Buffer | null;

  constructor(adminToken: string | null, private readonly now: () => number = Date.now) {
    this.adminDigest = adminToken === null ? null : createHash('sha256').update(adminToken).digest();
  }

  async authenticate(authorization: string | undefined, em: EntityManager): Promise<Authentication> {
    if (!authorization) return { kind: 'anonymous' };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return { kind: 'invalid' };
    const secret = m[1]!;
    if (this.adminDigest && timingSafeEqual(createHash('sha256').update(secret).digest(), this.adminDigest)) return { kind: 'admin' };
    const digest = hashSecret(secret);
    const hit = this.cache.get(digest);
    if (hit && hit.until > this.now()) return { kind: 'key', identity: hit.identity };
    const identity = await new ApiKeyService(em).identify(secret);
    if (!identity) return { kind: 'invalid' };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(digest, { identity, until: this.now() + AUTH_CACHE_MS });
    return { kind: 'key', identity };
  }

  /** Forgets every cached key, so a revoked key stops working at once in this process. */
  forget(): void {
    this.cache.clear();
  }
}
