import { Migration } from '@mikro-orm/migrations';

/** `cancelExport`: an export job may end CANCELLED (no file; a partial one is deleted). */
export class Migration20261204110100_export_cancelled extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table audience_export drop constraint audience_export_status_check`);
    this.addSql(`alter table audience_export add constraint audience_export_status_check check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'EXPIRED', 'CANCELLED'))`);
  }

  override async down(): Promise<void> {
    this.addSql(`update audience_export set status = 'FAILED' where status = 'CANCELLED'`);
    this.addSql(`alter table audience_export drop constraint audience_export_status_check`);
    this.addSql(`alter table audience_export add constraint audience_export_status_check check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'EXPIRED'))`);
  }
}
