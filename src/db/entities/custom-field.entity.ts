import { Entity, PrimaryKey, Property, type Opt, PrimaryKeyProp } from '@mikro-orm/core';
import type { CustomFieldType } from '../../domain/custom-fields';

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

  @Property({ type: 'datetime', fieldName: 'created_at' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', fieldName: 'updated_at', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
