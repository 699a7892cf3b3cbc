import { Entity, PrimaryKey, PrimaryKeyProp, Property, type Opt } from '@mikro-orm/core';

/** A saved segment: its canonical JSON definition and text, and the current version number. */
@Entity({ tableName: 'segment' })
export class SegmentRow {
  [PrimaryKeyProp]?: ['namespaceId', 'id'];

  @PrimaryKey({ type: 'uuid', fieldName: 'namespace_id' })
  namespaceId!: string;

  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text' })
  description: string & Opt = '';

  @Property({ type: 'json' })
  definition!: unknown;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'integer' })
  version: number & Opt = 1;

  @Property({ type: 'text', fieldName: 'created_by' })
  createdBy!: string;

  @Property({ type: 'text', fieldName: 'updated_by' })
  updatedBy!: string;

  @Property({ type: 'datetime', fieldName: 'created_at' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', fieldName: 'updated_at' })
  updatedAt: Date & Opt = new Date();
}

/** One version of a segment, kept when the segment changes. */
@Entity({ tableName: 'segment_version' })
export class SegmentVersionRow {
  [PrimaryKeyProp]?: ['namespaceId', 'segmentId', 'version'];

  @PrimaryKey({ type: 'uuid', fieldName: 'namespace_id' })
  namespaceId!: string;

  @PrimaryKey({ type: 'text', fieldName: 'segment_id' })
  segmentId!: string;

  @PrimaryKey({ type: 'integer' })
  version!: number;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'json' })
  definition!: unknown;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'text', fieldName: 'created_by' })
  createdBy!: string;

  @Property({ type: 'datetime', fieldName: 'created_at' })
  createdAt: Date & Opt = new Date();
}
