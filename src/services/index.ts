import { AccessService } from './access.service';
import { ConsentService } from './consent.service';
import { CustomFieldService } from './custom-field.service';
import { EvaluationCache } from './evaluation-cache';
import { EventCatalogService } from './event-catalog.service';
import { EventService } from './event.service';
import { ExportMonitor } from './export-monitor';
import { ExportService } from './export.service';
import { ExportJobService, type ExportFileSettings } from './export-job.service';
import { PrivacyService } from './privacy.service';
import { ProfileService } from './profile.service';
import { SegmentImpactService } from './segment-impact.service';
import { SegmentService } from './segment.service';
import { SnapshotService, type SnapshotGroup } from './snapshot.service';
import { SegmentChangesService } from './segment-changes.service';
import { WebhookService } from './webhook.service';
import type { Scope } from './scope';
import { JobQueue, JobSchedules } from '../jobs';
import { ImportService, type ImportSettings } from './imports/import.service';
import { FeedService } from './feeds/feed.service';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The services of one request, sharing its scope (namespace, role, EntityManager fork). */
export interface RequestServices {
  readonly scope: Scope;
  /** What every request of the process shares (the job queue, …). */
  readonly shared: ProcessServices;
  readonly customFields: CustomFieldService;
  readonly profiles: ProfileService;
  readonly events: EventService;
  readonly eventCatalog: EventCatalogService;
  readonly consent: ConsentService;
  readonly access: AccessService;
  readonly segments: SegmentService;
  readonly impact: SegmentImpactService;
  readonly exports: ExportService;
  /** Export jobs: files written by the job runner, downloaded later (createExport). */
  readonly exportJobs: ExportJobService;
  readonly imports: ImportService;
  readonly feeds: FeedService;
  readonly snapshots: SnapshotService;
  readonly changes: SegmentChangesService;
  readonly webhooks: WebhookService;
  readonly privacy: PrivacyService;
}

/** What the services of every request share in one process (built once, in the composition root). */
export interface ProcessServices {
  readonly exportMonitor: ExportMonitor;
  /** The job queue of the runner in src/jobs: enqueue (in your transaction), read, cancel. */
  readonly jobs: JobQueue;
  /** Recurring jobs of the same runner. */
  readonly schedules: JobSchedules;
  /** Where import files go and how imports run (IMPORT_DIR, IMPORT_MAX_BYTES, IMPORT_BATCH_ROWS). */
  readonly imports: ImportSettings;
  /** FEED_SECRET_KEY; null when unset (feeds cannot be saved). */
  readonly feedSecretKey: Buffer | null;
  /** Where export files go and how long they may be downloaded (EXPORT_DIR, EXPORT_TTL_HOURS). */
  readonly exportFiles: ExportFileSettings;
  /** Segment rows, field catalogs and checked definitions, kept per process for evaluation. */
  readonly evaluation: EvaluationCache;
}

/** Import settings for a process without configuration (scripts, service-level tests). */
export const DEFAULT_IMPORT_SETTINGS: ImportSettings = { dir: join(tmpdir(), 'audience-graph-imports'), maxBytes: 10 * 1024 ** 3, batchRows: 20_000 };

/** Export file settings for a process without configuration (scripts, service-level tests). */
export const DEFAULT_EXPORT_FILE_SETTINGS: ExportFileSettings = { dir: join(tmpdir(), 'audience-graph-exports'), ttlMs: 24 * 3600_000 };

/**
 * `runner` is the process's job runner (src/app.ts passes it). Without one (scripts, tests) jobs
 * are still enqueued, and a runner in some process picks them up.
 */
export function createProcessServices(runner?: { readonly queue: JobQueue; readonly schedules: JobSchedules }, imports: ImportSettings = DEFAULT_IMPORT_SETTINGS, feedSecretKey: Buffer | null = null, exportFiles: ExportFileSettings = DEFAULT_EXPORT_FILE_SETTINGS): ProcessServices {
  const jobs = runner?.queue ?? new JobQueue();
  return { exportMonitor: new ExportMonitor(), jobs, schedules: runner?.schedules ?? new JobSchedules(jobs), imports, feedSecretKey, exportFiles, evaluation: new EvaluationCache() };
}

export function createRequestServices(scope: Scope, shared: ProcessServices = createProcessServices()): RequestServices {
  const customFields = new CustomFieldService(scope, shared.evaluation);
  const profiles = new ProfileService(scope, customFields);
  const eventCatalog = new EventCatalogService(scope);
  const segments = new SegmentService(scope, customFields, shared.evaluation, eventCatalog);
  const snapshots = new SnapshotService(scope, segments);
  const exports = new ExportService(scope, segments, customFields, shared.exportMonitor);
  exports.sources.register('snapshot', async (input) => {
    const source = input as { snapshotId?: unknown; group?: unknown };
    const { snapshot, predicate } = await snapshots.predicate(String(source.snapshotId ?? ''), source.group as SnapshotGroup | null | undefined);
    return { predicate, label: snapshot.id, segmentId: snapshot.segmentId };
  });
  return {
    scope,
    shared,
    customFields,
    profiles,
    events: new EventService(scope, profiles),
    eventCatalog,
    consent: new ConsentService(scope, profiles),
    access: new AccessService(scope),
    segments,
    impact: new SegmentImpactService(scope, segments),
    imports: new ImportService(scope, customFields, shared.jobs, shared.imports),
    feeds: new FeedService(scope, customFields, shared.jobs, shared.schedules, shared.feedSecretKey),
    exports,
    exportJobs: new ExportJobService(scope, exports, shared.jobs),
    snapshots,
    changes: new SegmentChangesService(scope, segments, shared.schedules, shared.jobs),
    webhooks: new WebhookService(scope, segments),
    privacy: new PrivacyService(scope),
  };
}

export type { Scope, Tenant } from './scope';
export type { ExportMonitor, RunningExport } from './export-monitor';
export type { ExportRequest, FormulaHandling, PreparedExport } from './export.service';
export type { CreateExportInput, ExportDownload, ExportFileSettings } from './export-job.service';
export type { ExportJobRecord, ExportJobStatus } from '../db/export-job.sql';
export { QueryStats, Sql } from '../db/sql';
export type { ConsentChangeRecord, EventRecord, NarrowEventRecord, PhoneRecord, ProfileColumn, ProfileRecord, ProfileRow, TimeCursor } from '../db/profile.repository';
export type { ApiKeyRow, CustomFieldRow, NamespaceRow, SegmentRow, SegmentVersionRow } from '../db/entities';
export type { CheckedDefinition, SegmentDefinitionInput } from './segment-definition';
export { toProblems } from './segment-definition';
export type { SegmentImpact } from './segment-impact.service';
export type { ImportRecord, ImportStatus, RejectionRow } from '../db/import.repository';
export { FileTooLargeError, type ImportSettings } from './imports/import.service';
export { importKindNames } from './imports/import-kinds';
export { importJobHandler } from './imports/import-job';
export { feedJobHandler } from './feeds/feed-job';
export type { FeedFileRecord, FeedRecord, FeedRunRecord } from '../db/feed.repository';
export type { FeedInput } from './feeds/feed.service';
export type { SnapshotGroup } from './snapshot.service';
export type { EvaluationSchedule } from './segment-changes.service';
export type { DeliveryRecord, WebhookRecord } from '../db/webhook.sql';
export type { EvaluationRecord, MembershipChangeRecord } from '../db/membership.sql';
export type { SnapshotMemberRecord, SnapshotRecord } from '../db/snapshot.sql';
export type { ForgetRequestRecord, ForgetTarget } from './privacy.service';
export type { CustomIndexReport } from './custom-field.service';
