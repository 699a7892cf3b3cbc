import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A brand: every other row belongs to exactly one namespace. */
@Entity({ tableName: 'namespace' })
export class NamespaceRow {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text', unique: 'namespace_slug_key' })
  slug!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', fieldName: 'default_region' })
  defaultRegion!: string;

  @Property({ type: 'datetime', fieldName: 'created_at', defaultRaw: 'now()' })
  createdAt!: Date;
}
