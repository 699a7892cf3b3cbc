/**
 * "Did you mean" suggestions (graphql-js `suggestionList` style), with bounded work.
 *
 * A name is suggested when, ignoring case, it
 * - shares every word of the input (`custom.tier` → `custom.loyalty_tier`; words split at `.` and `_`),
 * - or starts with the input (`custom.loy` → `custom.loyalty_tier`; inputs of 3 or more characters),
 * - or is within an edit distance of about 40% of the input's length (`frist_name` → `first_name`).
 * Word and prefix matches come first, then the closest by distance; at most 3.
 *
 * The work is bounded (issue 12 §2): a name more than twice as long as the longest option gets no
 * suggestions at all; the edit distance is computed only on the diagonal band that can stay within
 * the threshold and stops as soon as a row exceeds it; and every comparison is charged to a
 * `SuggestionBudget` shared by one validation. Once the budget is spent, errors are still reported,
 * only without suggestions.
 *
 * @example
 *   suggestionList('frist_name', ['first_name', 'email', 'last_name'])  // ['first_name', 'last_name']
 *   suggestionList('custom.tier', ['custom.loyalty_tier', 'email'])      // ['custom.loyalty_tier']
 */
import { MAX_SUGGESTION_WORK } from '../limits';

const MAX_SUGGESTIONS = 3;

/** Inputs shorter than this get no prefix matches (`c` would match every `custom.` field). */
const MIN_PREFIX = 3;

/**
 * The work one validation may spend on suggestions, in units: one per edit-distance cell and one
 * per character compared for word and prefix matches. `used` only grows; tests read it.
 */
export class SuggestionBudget {
  used = 0;
  /** Options lower-cased and split into words once per validation, not once per unknown name. */
  private readonly prepared = new WeakMap<readonly string[], readonly PreparedOption[]>();

  constructor(readonly limit: number = MAX_SUGGESTION_WORK) {}

  /** Charges `units`; false (and nothing charged) when they do not fit any more. */
  spend(units: number): boolean {
    if (this.used + units > this.limit) return false;
    this.used += units;
    return true;
  }

  /** The options, prepared; charged one unit per character the first time. */
  options(options: readonly string[]): readonly PreparedOption[] | undefined {
    const known = this.prepared.get(options);
    if (known) return known;
    if (!this.spend(options.reduce((sum, option) => sum + option.length, 0))) return undefined;
    const prepared = options.map((option) => {
      const lower = option.toLowerCase();
      return { option, lower, words: new Set(wordsOf(lower)) };
    });
    this.prepared.set(options, prepared);
    return prepared;
  }
}

interface PreparedOption {
  readonly option: string;
  readonly lower: string;
  readonly words: ReadonlySet<string>;
}

interface Candidate {
  readonly option: string;
  /** 0: shares every word or starts with the input; 1: near by edit distance. */
  readonly rank: 0 | 1;
  readonly distance: number;
}

export function suggestionList(input: string, options: readonly string[], budget: SuggestionBudget = new SuggestionBudget()): string[] {
  const longest = options.reduce((max, option) => Math.max(max, option.length), 0);
  if (input.length === 0 || input.length > 2 * longest) return [];
  const prepared = budget.options(options);
  if (!prepared) return [];
  const lower = input.toLowerCase();
  const words = wordsOf(lower);
  const threshold = Math.floor(input.length * 0.4) + 1;
  const found: Candidate[] = [];
  for (const { option, lower: other, words: optionWords } of prepared) {
    // The prefix and word checks cost about one unit per character of the input.
    if (!budget.spend(lower.length)) break;
    if ((lower.length >= MIN_PREFIX && other.startsWith(lower)) || (words.length > 0 && words.every((word) => optionWords.has(word)))) {
      found.push({ option, rank: 0, distance: Math.abs(other.length - lower.length) });
      continue;
    }
    const d = boundedDistance(lower, other, threshold, budget);
    if (d === undefined) break;
    if (d <= threshold) found.push({ option, rank: 1, distance: d });
  }
  return found
    .sort((a, b) => a.rank - b.rank || a.distance - b.distance || (a.option < b.option ? -1 : a.option > b.option ? 1 : 0))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ option }) => option);
}

function wordsOf(name: string): string[] {
  return name.split(/[._]+/).filter((word) => word.length > 0);
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps), or
 * `threshold + 1` as soon as it is known to exceed `threshold`. Only cells with |i - j| <= threshold
 * are computed, and each is charged to `budget`; undefined when the budget runs out.
 */
export function boundedDistance(a: string, b: string, threshold: number, budget: SuggestionBudget): number | undefined {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > threshold) return threshold + 1;
  const over = threshold + 1;
  const width = b.length + 1;
  // Three rolling rows (i - 2, i - 1, i) of the matrix; cells outside the band hold `over`.
  let before = new Array<number>(width).fill(over);
  let previous = new Array<number>(width).fill(over);
  let current = new Array<number>(width).fill(over);
  for (let j = 0; j <= Math.min(b.length, threshold); j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - threshold);
    const to = Math.min(b.length, i + threshold);
    if (!budget.spend(to - from + 1)) return undefined;
    // Only the band is written; the cells just outside it must read as `over` for the next rows.
    current[from - 1] = i <= threshold ? i : over;
    if (to < b.length) current[to + 1] = over;
    let rowMin = i <= threshold ? i : over;
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2] + 1);
      current[j] = Math.min(best, over);
      if (current[j] < rowMin) rowMin = current[j];
    }
    if (rowMin > threshold) return over;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return Math.min(previous[b.length], over);
}
