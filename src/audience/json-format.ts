/**
 * The JSON form: the public, versioned format in which filters are saved. These types describe
 * exactly what `encodeJson` produces and what `decodeJson` accepts.
 *
 * @example
 *   const saved: FilterEnvelopeJson = {
 *     version: 1,
 *     filter: { and: [{ field: 'email_status', op: 'eq', value: 'SUBSCRIBED' }, { segment: 'seg_vip' }] },
 *   };
 */
import type { CountOp, DurationUnit } from './ast';
import type { OperatorName } from './operators';
import type { PeriodName } from './periods';

/** The only version of the JSON form so far. */
export const FILTER_FORMAT_VERSION = 1;

export interface DurationJson {
  amount: number;
  unit: DurationUnit;
}

export type ValueJson = string | number | boolean | (string | number)[] | DurationJson;

export interface ConditionJson {
  field: string;
  op: OperatorName;
  /** Omitted for `is_set` / `is_not_set`. */
  value?: ValueJson;
}

export interface PropertyConditionJson {
  property: string;
  op: OperatorName;
  value?: ValueJson;
}

/** One item of `where`: a property condition, or and/or/not of items. */
export type WhereJson = PropertyConditionJson | { and: WhereJson[] } | { or: WhereJson[] } | { not: WhereJson };

/** `period` is `"today"`, `"yesterday"` or `"this_month"` (`PERIOD_TABLE`). */
export type WindowJson = { within_last: DurationJson } | { between: [string, string] } | { period: PeriodName };

export interface EventJson {
  event: string;
  count?: { op: CountOp; value: number };
  window?: WindowJson;
  /** Joined by `and`. */
  where?: WhereJson[];
}

export type FilterJson =
  | { and: FilterJson[] }
  | { or: FilterJson[] }
  | { not: FilterJson }
  | ConditionJson
  | EventJson
  | { segment: string }
  | { snapshot: string };

export interface FilterEnvelopeJson {
  version: typeof FILTER_FORMAT_VERSION;
  filter: FilterJson;
}
