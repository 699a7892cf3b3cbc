import { impactStatement, type ImpactRow } from '../audience/compiler';
import type { SegmentVersionRow } from '../db/entities';
import { AppError } from '../domain/errors';
import { requirePermission, type Scope } from './scope';
import type { SegmentDefinitionInput } from './segment-definition';
import { MAX_PREVIEW_SAMPLE, type EvaluationTarget, type SegmentService } from './segment.service';

/** One side of a comparison: which definition, at which version (none for a proposed one). */
export interface ImpactSide {
  readonly version: number | null;
  readonly text: string;
  readonly count: number;
}

/** What changes between two definitions of a segment at one instant. */
export interface SegmentImpact {
  readonly segmentId: string;
  readonly asOf: Date;
  readonly before: ImpactSide;
  readonly after: ImpactSide;
  /** Members of `after` that are not members of `before`. */
  readonly added: { readonly count: number; readonly sample: readonly number[] };
  /** Members of `before` that are not members of `after`. */
  readonly removed: { readonly count: number; readonly sample: readonly number[] };
  /** Members of both. */
  readonly unchanged: number;
}

/**
 * Edit impact: "what changes if I save this?" for a proposed definition against the saved one, and
 * the same figures between two stored versions. Each comparison is one SQL statement over both
 * predicates (`impactStatement`), never two evaluations.
 *
 * @example
 *   const impact = await services.impact.ofProposal('seg_…', { expression: 'custom.tier = "gold"' }, asOf, 5);
 *   impact.added.count; impact.removed.sample; // profile ids
 */
export class SegmentImpactService {
  constructor(
    private readonly scope: Scope,
    private readonly segments: SegmentService,
  ) {}

  /** The saved (current) definition of `id` against `definition`, which is checked as `updateSegment` would. */
  async ofProposal(id: string, definition: SegmentDefinitionInput, asOf: Date, sampleSize: number): Promise<SegmentImpact> {
    requirePermission(this.scope, 'read', 'compare segment definitions');
    checkSampleSize(sampleSize);
    const row = await this.segments.get(id);
    return this.compare(id, asOf, sampleSize, { target: row, version: row.version }, { target: definition, version: null });
  }

  /** Version `from` against version `to` of a saved segment (either order). */
  async between(id: string, from: number, to: number, asOf: Date, sampleSize: number): Promise<SegmentImpact> {
    requirePermission(this.scope, 'read', 'compare segment versions');
    checkSampleSize(sampleSize);
    const older = await this.segments.version(id, from, ['from']);
    const newer = await this.segments.version(id, to, ['to']);
    return this.compare(id, asOf, sampleSize, versionSide(older), versionSide(newer));
  }

  private async compare(id: string, asOf: Date, sampleSize: number, before: Candidate, after: Candidate): Promise<SegmentImpact> {
    const old = await this.segments.prepared(before.target, asOf);
    const proposed = await this.segments.prepared(after.target, asOf, { selfId: id, path: ['definition'] });
    const statement = impactStatement(old.query, proposed.query, sampleSize);
    const row = (await this.scope.sql.one<ImpactRow>(statement.sql, statement.params, { label: 'segment.impact' }))!;
    const ids = (list: readonly unknown[]) => list.map(Number);
    const beforeCount = Number(row.before_count);
    const removed = Number(row.removed_count);
    return {
      segmentId: id,
      asOf,
      before: { version: before.version, text: old.text, count: beforeCount },
      after: { version: after.version, text: proposed.text, count: Number(row.after_count) },
      added: { count: Number(row.added_count), sample: ids(row.added_sample) },
      removed: { count: removed, sample: ids(row.removed_sample) },
      unchanged: beforeCount - removed,
    };
  }
}

interface Candidate {
  readonly target: EvaluationTarget;
  readonly version: number | null;
}

function versionSide(row: SegmentVersionRow): Candidate {
  return { target: row, version: row.version };
}

function checkSampleSize(sampleSize: number): void {
  if (!Number.isInteger(sampleSize) || sampleSize < 0 || sampleSize > MAX_PREVIEW_SAMPLE) {
    throw AppError.invalid(['sampleSize'], `must be from 0 to ${MAX_PREVIEW_SAMPLE} (got ${sampleSize})`);
  }
}
