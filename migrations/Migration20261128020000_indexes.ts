import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for audience segments, derived from the plans of the reference segments in
 * `npm run bench` (docs/performance.md explains each one: the segment shapes it serves, what it
 * saves, and its write cost). Exported so the benchmark and the index tests use the same list.
 * Event conditions are served by the foundation's `event_type_profile_time_idx`; a time-ordered
 * event index was measured and rejected (docs/performance.md).
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
] as const;

export class Migration20261128020000_indexes extends Migration {
  override async up(): Promise<void> {
    for (const index of SEGMENT_INDEXES) this.addSql(index.definition);
  }

  override async down(): Promise<void> {
    for (const index of [...SEGMENT_INDEXES].reverse()) this.addSql(`drop index if exists ${index.name}`);
  }
}
