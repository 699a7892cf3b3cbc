/**
 * "Did you mean" suggestions (graphql-js `suggestionList` style): the names within an edit
 * distance of about 40% of the input's length, closest first, ignoring case.
 *
 * @example
 *   suggestionList('frist_name', ['first_name', 'email', 'last_name'])  // ['first_name', 'last_name']
 */
const MAX_SUGGESTIONS = 3;

export function suggestionList(input: string, options: readonly string[]): string[] {
  const threshold = Math.floor(input.length * 0.4) + 1;
  const lower = input.toLowerCase();
  return options
    .map((option) => ({ option, distance: distance(lower, option.toLowerCase()) }))
    .filter(({ distance: d }) => d <= threshold)
    .sort((a, b) => a.distance - b.distance || (a.option < b.option ? -1 : a.option > b.option ? 1 : 0))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ option }) => option);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function distance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i][j] = best;
    }
  }
  return rows[a.length][b.length];
}
