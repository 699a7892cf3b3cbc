import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for audience segments, derived from the plans of the reference segments in
 * `npm run bench` (docs/performance.md explains each one: the segment shapes it serves, what it
 * saves, and its write cost). Exported so the benchmark and the index tests use the same list.
 */
export const SEGMENT_INDEXES = [
  {
    name: 'profile_status_identified_idx',
    table: 'profile',
    definition: 'create index profile_status_identified_idx on profile (namespace_id, email_status, first_identified_at)',
  },
  {
    name: 'profile_last_purchase_idx',
    table: 'profile',
    definition: 'create index profile_last_purchase_idx on profile (namespace_id, last_purchase_date)',
  },
  {
    name: 'event_type_time_idx',
    table: 'event',
    definition: 'create index event_type_time_idx on event (namespace_id, type, occurred_at)',
  },
] as const;

export class Migration20261128020000_indexes extends Migration {
  override async up(): Promise<void> {
    for (const index of SEGMENT_INDEXES) this.addSql(index.definition);
  }

  override async down(): Promise<void> {
    for (const index of [...SEGMENT_INDEXES].reverse()) this.addSql(`drop index if exists ${index.name}`);
  }
}
