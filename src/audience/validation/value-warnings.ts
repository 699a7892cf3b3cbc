/**
 * Warnings for values never seen (issue 13 §1): `custom.loyalty_tier = "Gold"` when the field has
 * held only "gold", "silver" and "platinum". Checked for string custom fields compared by exact
 * value (`=`, `!=`, `in`, `not in`), and only when the field has few distinct values, because only
 * then is a value outside them very likely a typo or a case mistake rather than a rare value.
 *
 * The values come from the service (`src/db/field-values.sql.ts`) as a bounded sample: the distinct
 * string values of each field among a fixed number of the namespace's profiles, at most
 * `MAX_SAMPLED_VALUES + 1` of them, so a field with more is "not low cardinality" and gets no warning.
 * A case-insensitive match is suggested first, then the nearest values (`suggestionList`).
 *
 * @example
 *   valueWarnings(parseText('custom.loyalty_tier = "Gold"').value, catalog, new Map([['loyalty_tier', ['gold', 'silver']]]))
 *   // [{ code: 'UNSEEN_FIELD_VALUE', message: 'No profile has had `custom.loyalty_tier` "Gold"; its values are "gold" and "silver" … Did you mean "gold"?', line: 1, column: 1 }]
 */
import { walk, type ConditionNode, type FilterNode } from '../ast';
import type { FieldCatalog } from '../catalog';
import { originOf } from '../errors';
import { foldCase } from '../../text/case-fold';
import { AudienceWarning } from '../warnings';
import { SuggestionBudget, suggestionList } from './suggestions';

/** A field with more distinct values than this (in the sample) is not checked. */
export const MAX_SAMPLED_VALUES = 20;

/** Operators that compare a whole value exactly. */
const EXACT_OPS: ReadonlySet<string> = new Set(['eq', 'neq', 'in', 'not_in']);

/** The custom-field keys a filter compares by exact string value: the fields `valueWarnings` needs sampled. */
export function sampledFields(filter: FilterNode, catalog: FieldCatalog): string[] {
  const keys = new Set<string>();
  walk(filter, (node) => {
    const key = node.kind === 'condition' ? checkedKey(node, catalog) : undefined;
    if (key !== undefined) keys.add(key);
  });
  return [...keys].sort();
}

function checkedKey(node: ConditionNode, catalog: FieldCatalog): string | undefined {
  if (!EXACT_OPS.has(node.op)) return undefined;
  const def = catalog.lookup(node.field);
  if (!def || def.type !== 'string' || def.storage.kind !== 'custom') return undefined;
  return def.storage.key;
}

/**
 * One warning per string literal that no sampled profile has had, for fields with at most
 * `MAX_SAMPLED_VALUES` distinct values. `samples` maps a custom-field key to its sampled values;
 * a key without a sample (or with no values at all: no data yet) is not checked. `sampled`: the
 * sample was the namespace's newest `sampled` profiles, not all of them (the message says so).
 */
export function valueWarnings(
  filter: FilterNode,
  catalog: FieldCatalog,
  samples: ReadonlyMap<string, readonly string[]>,
  options: { readonly sampled?: number; readonly budget?: SuggestionBudget } = {},
): AudienceWarning[] {
  const budget = options.budget ?? new SuggestionBudget();
  const warnings: AudienceWarning[] = [];
  walk(filter, (node) => {
    if (node.kind !== 'condition') return;
    const key = checkedKey(node, catalog);
    const seen = key === undefined ? undefined : samples.get(key);
    if (!seen || seen.length === 0 || seen.length > MAX_SAMPLED_VALUES) return;
    const known = new Set(seen);
    const literals = Array.isArray(node.value) ? node.value : [node.value];
    literals.forEach((literal, i) => {
      if (typeof literal !== 'string' || known.has(literal)) return;
      // The service's own fold, as the compiler's case-insensitive operators use (not the locale's).
      const folded = foldCase(literal);
      const sameCase = seen.filter((value) => foldCase(value) === folded);
      const suggestions = sameCase.length ? sameCase : suggestionList(literal, seen, budget);
      const at = originOf(node.origin, Array.isArray(node.value) ? `/value/${i}` : '/value');
      warnings.push(AudienceWarning.unseenFieldValue(node.field, literal, seen, suggestions, at, options.sampled));
    });
  });
  return warnings;
}
