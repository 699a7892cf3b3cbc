import { Entity, PrimaryKey, Property, type Opt, PrimaryKeyProp } from '@mikro-orm/core';
import type { Role } from '../../domain/permissions';

/** An API key: only the SHA-256 of the secret is stored, with a short prefix to recognise it by. */
@Entity({ tableName: 'api_key' })
export class ApiKeyRow {
  [PrimaryKeyProp]?: ['namespaceId', 'id'];

  @PrimaryKey({ type: 'uuid', fieldName: 'namespace_id' })
  namespaceId!: string;

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text' })
  role!: Role;

  @Property({ type: 'text', fieldName: 'key_hash', unique: 'api_key_key_hash_key' })
  keyHash!: string;

  @Property({ type: 'text', fieldName: 'key_prefix' })
  keyPrefix!: string;

  @Property({ type: 'text', fieldName: 'created_by', nullable: true })
  createdBy: string | null = null;

  @Property({ type: 'datetime', fieldName: 'created_at' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', fieldName: 'revoked_at', nullable: true })
  revokedAt: Date | null = null;
}
