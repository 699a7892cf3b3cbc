/**
 * What every leaf compiler sees: the namespace's catalog, the evaluation instant, the namespace
 * parameter (always `$1`), the email normalizer, and what the predicate is for.
 */
import type { FieldCatalog } from '../catalog';
import type { Param } from './sql-fragment';

export interface CompileContext {
  readonly catalog: FieldCatalog;
  /** `asOf` in UTC epoch milliseconds. */
  readonly asOfMs: number;
  /** The namespace id; rendered first, so it is `$1`. */
  readonly namespace: Param;
  readonly normalizeEmail: (value: string) => string;
  /**
   * `set`: the predicate is evaluated over the whole namespace (counts, exports, snapshots): event
   * counts as grouped semi-joins. `rows`: it is tested row by row and the statement stops early
   * (keyset pages, one profile's membership, a page of profiles' memberships): event counts as
   * correlated `exists (… offset n-1)`, which stops at the n-th matching event.
   */
  readonly purpose: 'set' | 'rows';
}
