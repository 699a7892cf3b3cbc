import { Entity, PrimaryKey, Property, type Opt, PrimaryKeyProp } from '@mikro-orm/core';
import type { CustomFieldType, CustomIndexState } from '../../domain/custom-fields';

/** A typed custom profile field of one namespace. Values live in `profile.custom`. */
@Entity({ tableName: 'custom_field' })
export class CustomFieldRow {
  [PrimaryKeyProp]?: ['namespaceId', 'key'];

  @PrimaryKey({ type: 'uuid', fieldName: 'namespace_id' })
  namespaceId!: string;

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  type!: CustomFieldType;

  @Property({ type: 'text' })
  description: string & Opt = '';

  @Property({ type: 'boolean' })
  indexed: boolean & Opt = false;

  /** The index's state (src/db/custom-index.sql.ts writes it around every build and drop). */
  @Property({ type: 'text', fieldName: 'index_state' })
  indexState: CustomIndexState & Opt = 'NONE';

  /** When the index entered its state; null for a field never indexed. */
  @Property({ type: 'datetime', fieldName: 'index_state_at', nullable: true })
  indexStateAt: (Date & Opt) | null = null;

  /** Why the last build failed (a database message, never SQL); null after a good build. */
  @Property({ type: 'text', fieldName: 'index_error', nullable: true })
  indexError: (string & Opt) | null = null;

  @Property({ type: 'datetime', fieldName: 'created_at' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', fieldName: 'updated_at', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
