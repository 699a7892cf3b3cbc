import type { Statement } from '../db/sql';
import { AppError } from '../domain/errors';
import type { SegmentDefinitionInput } from './segment-definition';
import type { SegmentService } from './segment.service';

/**
 * What an export reads: a saved segment, an unsaved definition, and later other sources (a
 * segment snapshot, registered in `createRequestServices`). Each kind resolves to the predicate its members satisfy, a boolean over
 * `profile p` whose `$1` is the namespace, so every source goes through the same export path.
 */
export type ExportSourceInput =
  | { readonly kind: 'segment'; readonly segmentId: string }
  | { readonly kind: 'definition'; readonly definition: SegmentDefinitionInput }
  /** A segment snapshot's frozen members (registered by the snapshot service); `group` ALL, HOLDOUT or TREATMENT. */
  | { readonly kind: 'snapshot'; readonly snapshotId: string; readonly group?: string | null }
  | { readonly kind: string; readonly [key: string]: unknown };

export interface ResolvedSource {
  /** The members' predicate: `$1` is the namespace id. For segments, the statement `count` runs is built on it. */
  readonly predicate: Statement;
  /** For file names and listings: the segment's ID, or `definition`. */
  readonly label: string;
  /** The saved segment it reads, when it reads one. */
  readonly segmentId: string | null;
}

export type ExportSourceResolver = (input: ExportSourceInput, asOf: Date) => Promise<ResolvedSource>;

/** The source kinds of a request's export service; another kind is added with `register`. */
export class ExportSources {
  private readonly kinds = new Map<string, ExportSourceResolver>();

  constructor(segments: SegmentService) {
    this.register('segment', async (input, asOf) => {
      const id = String((input as { segmentId: unknown }).segmentId ?? '');
      const query = await segments.compiled(await segments.get(id), asOf);
      return { predicate: query.predicate, label: id, segmentId: id };
    });
    this.register('definition', async (input, asOf) => {
      const query = await segments.compiled((input as { definition: SegmentDefinitionInput }).definition ?? {}, asOf);
      return { predicate: query.predicate, label: 'definition', segmentId: null };
    });
  }

  /** Adds a source kind (for example `snapshot`). */
  register(kind: string, resolver: ExportSourceResolver): void {
    this.kinds.set(kind, resolver);
  }

  resolve(input: ExportSourceInput, asOf: Date): Promise<ResolvedSource> {
    const resolver = this.kinds.get(input.kind);
    if (!resolver) throw AppError.invalid(['source'], `unknown export source "${input.kind}"; use one of ${[...this.kinds.keys()].join(', ')}`);
    return resolver(input, asOf);
  }
}
