import { Migration } from '@mikro-orm/migrations';

/**
 * Export jobs (docs/exports.md): `createExport` writes a saved segment's members to a file under
 * EXPORT_DIR through the job runner. One row per export: what was asked (segment, format, asOf,
 * columns), its status kept in step with its job, the counts and timing, the file while it may be
 * downloaded, and when it expires. `forgotten_during_run` is set when a person is forgotten while
 * the export runs, so its file is never served (docs/privacy.md). The file itself is not in the database. The list index serves
 * the `exports` connection; the expiry index the sweep that deletes expired files.
 */
export class Migration20261203110000_export_jobs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table audience_export (
        namespace_id uuid not null references namespace (id) on delete cascade,
        id text not null,
        job_id bigint,
        segment_id text not null,
        format text not null,
        gzip boolean not null default false,
        as_of timestamptz not null,
        columns jsonb,
        formulas text not null,
        status text not null default 'QUEUED',
        row_count bigint,
        byte_count bigint,
        error text,
        file_path text,
        forgotten_during_run boolean not null default false,
        created_by text not null,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        finished_at timestamptz,
        expires_at timestamptz,
        primary key (namespace_id, id),
        constraint audience_export_id_check check (id ~ '^exp_[0-9a-f]{16}$'),
        constraint audience_export_format_check check (format in ('CSV', 'JSONL')),
        constraint audience_export_formulas_check check (formulas in ('ESCAPE', 'KEEP')),
        constraint audience_export_status_check check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'EXPIRED'))
      )`);
    this.addSql(`create index audience_export_list_idx on audience_export (namespace_id, created_at desc, id desc)`);
    this.addSql(`create index audience_export_expiry_idx on audience_export (namespace_id, expires_at) where status = 'SUCCEEDED' or file_path is not null`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists audience_export');
  }
}
