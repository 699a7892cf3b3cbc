import type { EntityManager } from '@mikro-orm/core';
import { createHash, randomBytes } from 'node:crypto';
import { ApiKeyRow } from '../db/entities';
import { Sql } from '../db/sql';
import { AppError } from '../domain/errors';
import { isUuid } from '../domain/ids';
import { requireStorableText } from '../domain/storable-text';
import type { Role } from '../domain/permissions';
import type { Tenant } from './scope';

/** A newly issued key. The secret is shown once and never stored. */
export interface IssuedKey {
  readonly row: ApiKeyRow;
  readonly secret: string;
}

/** The caller behind a valid key. */
export interface KeyIdentity {
  readonly keyId: string;
  readonly keyPrefix: string;
  readonly keyName: string;
  readonly role: Role;
  readonly tenant: Tenant;
}

const KEY_PREFIX = 'agk_';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * API keys: 32 random bytes, shown once as `agk_<base64url>`, stored as a SHA-256 hash. The
 * secret has enough entropy that a fast hash is safe; a lookup is one indexed query.
 */
export class ApiKeyService {
  constructor(private readonly em: EntityManager) {}

  async issue(namespaceId: string, name: string, role: Role, createdBy: string): Promise<IssuedKey> {
    requireStorableText([[['input', 'name'], name]]);
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 100) throw AppError.invalid(['input', 'name'], 'must be 1 to 100 characters');
    const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
    const row = this.em.create(ApiKeyRow, {
      namespaceId,
      id: crypto.randomUUID(),
      name: trimmed,
      role,
      keyHash: hashSecret(secret),
      keyPrefix: secret.slice(0, KEY_PREFIX.length + 6),
      createdBy,
    });
    await this.em.flush();
    return { row, secret };
  }

  list(namespaceId: string): Promise<ApiKeyRow[]> {
    return this.em.find(ApiKeyRow, { namespaceId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async revoke(namespaceId: string, id: string): Promise<ApiKeyRow> {
    if (!isUuid(id)) throw AppError.notFound('API key', id);
    const row = await this.em.findOne(ApiKeyRow, { namespaceId, id });
    if (!row) throw AppError.notFound('API key', id);
    row.revokedAt ??= new Date();
    await this.em.flush();
    return row;
  }

  /** The identity behind a secret, or undefined for an unknown or revoked key. */
  async identify(secret: string): Promise<KeyIdentity | undefined> {
    if (!secret.startsWith(KEY_PREFIX)) return undefined;
    const row = await new Sql(this.em).one<{ id: string; prefix: string; name: string; role: Role; ns: string; slug: string; region: string }>(
      `select k.id, k.key_prefix as prefix, k.name, k.role, n.id as ns, n.slug, n.default_region as region
       from api_key k join namespace n on n.id = k.namespace_id
       where k.key_hash = $1 and k.revoked_at is null`,
      [hashSecret(secret)],
    );
    if (!row) return undefined;
    return { keyId: row.id, keyPrefix: row.prefix, keyName: row.name, role: row.role, tenant: { id: row.ns, slug: row.slug, defaultRegion: row.region } };
  }
}
