import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128000000_foundation } from './Migration20261128000000_foundation';
import { Migration20261128010000_segments } from './Migration20261128010000_segments';
import { Migration20261128020000_indexes } from './Migration20261128020000_indexes';
import { Migration20261201140000_jobs } from './Migration20261201140000_jobs';
import { Migration20261202140000_imports } from './Migration20261202140000_imports';
import { Migration20261202141000_feeds } from './Migration20261202141000_feeds';
import { Migration20261202150000_privacy } from './Migration20261202150000_privacy';
import { Migration20261202160000_snapshots } from './Migration20261202160000_snapshots';
import { Migration20261202160100_membership_changes } from './Migration20261202160100_membership_changes';
import { Migration20261202160200_webhooks } from './Migration20261202160200_webhooks';
import { Migration20261203100000_custom_index_state } from './Migration20261203100000_custom_index_state';
import { Migration20261203110000_export_jobs } from './Migration20261203110000_export_jobs';
import { Migration20261203120000_boolean_custom_indexes } from './Migration20261203120000_boolean_custom_indexes';
import { Migration20261203130000_event_catalog } from './Migration20261203130000_event_catalog';
import { Migration20261204110000_fold_merged_members } from './Migration20261204110000_fold_merged_members';
import { Migration20261204110100_export_cancelled } from './Migration20261204110100_export_cancelled';
import { Migration20261204110200_snapshot_member_no_fk } from './Migration20261204110200_snapshot_member_no_fk';

/**
 * Every migration, in order. The runtime uses this list rather than scanning the folder, so the
 * same code runs from `src/` under jest and from `dist/` in production. A test checks that every
 * file in this folder is listed.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261128000000_foundation', class: Migration20261128000000_foundation },
  { name: 'Migration20261128010000_segments', class: Migration20261128010000_segments },
  { name: 'Migration20261128020000_indexes', class: Migration20261128020000_indexes },
  { name: 'Migration20261201140000_jobs', class: Migration20261201140000_jobs },
  { name: 'Migration20261202140000_imports', class: Migration20261202140000_imports },
  { name: 'Migration20261202141000_feeds', class: Migration20261202141000_feeds },
  { name: 'Migration20261202150000_privacy', class: Migration20261202150000_privacy },
  { name: 'Migration20261202160000_snapshots', class: Migration20261202160000_snapshots },
  { name: 'Migration20261202160100_membership_changes', class: Migration20261202160100_membership_changes },
  { name: 'Migration20261202160200_webhooks', class: Migration20261202160200_webhooks },
  { name: 'Migration20261203100000_custom_index_state', class: Migration20261203100000_custom_index_state },
  { name: 'Migration20261203110000_export_jobs', class: Migration20261203110000_export_jobs },
  { name: 'Migration20261203120000_boolean_custom_indexes', class: Migration20261203120000_boolean_custom_indexes },
  { name: 'Migration20261203130000_event_catalog', class: Migration20261203130000_event_catalog },
  { name: 'Migration20261204110000_fold_merged_members', class: Migration20261204110000_fold_merged_members },
  { name: 'Migration20261204110100_export_cancelled', class: Migration20261204110100_export_cancelled },
  { name: 'Migration20261204110200_snapshot_member_no_fk', class: Migration20261204110200_snapshot_member_no_fk },
];
