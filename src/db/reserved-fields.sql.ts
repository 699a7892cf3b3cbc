import { RESERVED_FIELD_RULES, SCHEDULED_FOR_PROPERTY, type ReservedFieldRule } from '../domain/events';

/**
 * SQL built from `RESERVED_FIELD_RULES`: the aggregate of each reserved field over a set of events,
 * and how a new aggregate folds into the stored value. Event types and property names here come
 * from the rule table in code, never from user input, and are checked against a strict pattern.
 */
function constant(text: string): string {
  if (!/^[a-z_]+$/.test(text)) throw new Error(`not a safe SQL constant: ${text}`);
  return `'${text}'`;
}

function typeFilter(rule: ReservedFieldRule, alias: string): string {
  return `${alias}.type in (${rule.types.map(constant).join(', ')})`;
}

/** `max(...) filter (...) as column` for each rule, over events aliased `alias`. */
export function reservedAggregates(alias: string): string {
  return RESERVED_FIELD_RULES.map((rule) => {
    const where = typeFilter(rule, alias);
    switch (rule.kind) {
      case 'max_time':
        return `max(${alias}.occurred_at) filter (where ${where}) as ${rule.column}`;
      case 'max_scheduled_for':
        return `max(coalesce((${alias}.properties ->> ${constant(SCHEDULED_FOR_PROPERTY)})::timestamptz, ${alias}.occurred_at)) filter (where ${where}) as ${rule.column}`;
      case 'latch':
        return `coalesce(bool_or(${where}), false) as ${rule.column}`;
    }
  }).join(',\n       ');
}

/** `column = greatest(p.column, a.column)` (or `p.column or a.column` for latches): folding new events in. */
export function reservedFold(profile: string, aggregate: string): string {
  return RESERVED_FIELD_RULES.map((rule) =>
    rule.kind === 'latch'
      ? `${rule.column} = ${profile}.${rule.column} or ${aggregate}.${rule.column}`
      : `${rule.column} = greatest(${profile}.${rule.column}, ${aggregate}.${rule.column})`,
  ).join(',\n       ');
}

/**
 * True when folding the aggregate in changes a stored value: the rows `reservedFold` need not
 * write. Events older than what a profile holds (an import of past orders) then rewrite no
 * profile, and with it none of its indexes.
 */
export function reservedFoldChanges(profile: string, aggregate: string): string {
  return `(${RESERVED_FIELD_RULES.map((rule) =>
    rule.kind === 'latch'
      ? `(${profile}.${rule.column} or ${aggregate}.${rule.column}) is distinct from ${profile}.${rule.column}`
      : `greatest(${profile}.${rule.column}, ${aggregate}.${rule.column}) is distinct from ${profile}.${rule.column}`,
  ).join('\n       or ')})`;
}

/** `column = a.column`: replacing stored values by a full recomputation. */
export function reservedReplace(aggregate: string): string {
  return RESERVED_FIELD_RULES.map((rule) => `${rule.column} = ${aggregate}.${rule.column}`).join(',\n       ');
}

/** The event types any rule reads. */
export const RESERVED_EVENT_TYPES = [...new Set(RESERVED_FIELD_RULES.flatMap((r) => r.types))];
