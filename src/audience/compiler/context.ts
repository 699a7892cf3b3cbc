/**
 * What every leaf compiler sees: the namespace's catalog, the evaluation instant, the namespace
 * parameter (always `$1`) and the email normalizer.
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
}
