/**
 * Warnings: a filter that is valid but very likely not what its author meant, because it names
 * what the namespace's data has never held. They never stop a filter (the data may simply not have
 * arrived yet); the API returns them beside a valid result. Same shape as `AudienceError`: a code,
 * a message with "did you mean", and a location (JSON pointer or line and column).
 *
 * @example
 *   // did purchse within last 30 days
 *   { code: 'UNSEEN_EVENT_TYPE', message: 'No `purchse` event has been seen in this namespace, so this condition counts none. Did you mean `purchase`?', line: 1, column: 1 }
 */
import type { Origin } from './ast';
import { quoteList } from './errors';

/** Every warning code, with what it means. */
export const WARNING_CODES = {
  UNSEEN_EVENT_TYPE: 'No event of this type has been seen in the namespace (with "did you mean" suggestions).',
  UNSEEN_EVENT_PROPERTY: 'No event of this type has had this property (with "did you mean" suggestions).',
  UNSEEN_PROPERTY_TYPE: 'The property has never held a value of the literal\'s JSON type (a string compared with a property that holds numbers).',
  UNSEEN_FIELD_VALUE: 'A string custom field with few distinct values has never held this value (with a case-insensitive match or the nearest values).',
} as const;

export type AudienceWarningCode = keyof typeof WARNING_CODES;

export interface AudienceWarningData {
  readonly code: AudienceWarningCode;
  readonly message: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
}

export class AudienceWarning {
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;

  private constructor(
    readonly code: AudienceWarningCode,
    readonly message: string,
    at: Origin,
  ) {
    if ('path' in at) this.path = at.path;
    else {
      this.line = at.line;
      this.column = at.column;
    }
  }

  toJSON(): AudienceWarningData {
    return this.path !== undefined
      ? { code: this.code, message: this.message, path: this.path }
      : { code: this.code, message: this.message, line: this.line, column: this.column };
  }

  static unseenEventType(type: string, suggestions: readonly string[], at: Origin): AudienceWarning {
    return new AudienceWarning('UNSEEN_EVENT_TYPE', `No \`${type}\` event has been seen in this namespace, so this condition counts none.${didYouMean(suggestions)}`, at);
  }

  static unseenProperty(type: string, property: string, suggestions: readonly string[], at: Origin): AudienceWarning {
    return new AudienceWarning(
      'UNSEEN_EVENT_PROPERTY',
      `No \`${type}\` event has had a property \`${property}\`, so this condition treats it as missing on every event.${didYouMean(suggestions)}`,
      at,
    );
  }

  static unseenPropertyType(type: string, property: string, literal: string, seen: readonly string[], at: Origin): AudienceWarning {
    return new AudienceWarning(
      'UNSEEN_PROPERTY_TYPE',
      `Property \`${property}\` of \`${type}\` events has held ${quoteList(seen)} values, never a ${literal}: a ${literal} compares only with ${literal} values, so this condition treats it as missing on every event.` +
        (COMPARABLE.includes(seen[0]) ? ` Write the value as a ${seen[0]}.` : ''),
      at,
    );
  }

  /** `custom.loyalty_tier = "Gold"` when the field has held only `gold`, `silver` and `platinum`. */
  static unseenFieldValue(field: string, value: string, seen: readonly string[], suggestions: readonly string[], at: Origin, sampled?: number): AudienceWarning {
    const values = [...seen].sort().map(shortJson);
    const list = values.length === 1 ? values[0] : `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`;
    const mean = suggestions.length ? ` Did you mean ${suggestions.map(shortJson).join(' or ')}?` : '';
    return new AudienceWarning(
      'UNSEEN_FIELD_VALUE',
      `${sampled === undefined ? 'No profile has' : `None of the ${sampled.toLocaleString('en-US')} newest profiles has`} had ${shortJson(value)} in \`${field}\`, whose values ${sampled === undefined ? 'are' : 'there are'} ${list} (case matters).${mean}`,
      at,
    );
  }

  /** `with sum(category) > 3` where `category` has never held a number. */
  static nonNumericAggregate(type: string, property: string, fn: string, seen: readonly string[], at: Origin): AudienceWarning {
    const result = fn === 'sum' ? 'is 0' : 'has no value';
    return new AudienceWarning(
      'UNSEEN_PROPERTY_TYPE',
      `Property \`${property}\` of \`${type}\` events has held ${quoteList(seen)} values, never a number: \`${fn}\` reads only numbers, so it ${result} for every profile.`,
      at,
    );
  }
}

/** A value quoted for a message, cut at 60 characters. */
function shortJson(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

const COMPARABLE: readonly string[] = ['string', 'number', 'boolean'];

function didYouMean(suggestions: readonly string[]): string {
  return suggestions.length ? ` Did you mean ${quoteList(suggestions)}?` : '';
}
