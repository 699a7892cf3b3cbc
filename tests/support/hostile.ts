import corpusJson from '../fixtures/hostile/corpus.json';

/** One hostile value of `tests/fixtures/hostile/corpus.json`, with its recipe expanded. */
export interface HostileValue {
  readonly name: string;
  readonly value: unknown;
  /** Sent to every site (the rest is sampled for low-risk sites). */
  readonly core: boolean;
}

interface Recipe {
  readonly repeat?: string;
  readonly times?: number;
  readonly under?: string;
  readonly deepArray?: number;
  readonly deepObject?: number;
  readonly wideObject?: number;
  readonly base64url?: string;
}

interface Entry {
  readonly name: string;
  readonly value?: unknown;
  readonly generate?: Recipe;
  readonly core?: boolean;
}

function expand(recipe: Recipe): unknown {
  if (recipe.repeat !== undefined) {
    const text = recipe.repeat.repeat(recipe.times ?? 1);
    return recipe.under === undefined ? text : { [recipe.under]: text };
  }
  if (recipe.deepArray !== undefined) {
    let value: unknown = 1;
    for (let i = 0; i < recipe.deepArray; i++) value = [value];
    return value;
  }
  if (recipe.deepObject !== undefined) {
    let value: unknown = 1;
    for (let i = 0; i < recipe.deepObject; i++) value = { a: value };
    return value;
  }
  if (recipe.wideObject !== undefined) return Object.fromEntries(Array.from({ length: recipe.wideObject }, (_, i) => [`k${i}`, i]));
  if (recipe.base64url !== undefined) return Buffer.from(recipe.base64url).toString('base64url');
  throw new Error(`unknown corpus recipe ${JSON.stringify(recipe)}`);
}

function load(entries: readonly Entry[]): HostileValue[] {
  return entries.map((e) => ({ name: e.name, value: e.generate ? expand(e.generate) : e.value, core: e.core ?? false }));
}

/** Values for String and ID sites. */
export const HOSTILE_STRINGS: readonly (HostileValue & { readonly value: string })[] = load((corpusJson as { strings: Entry[] }).strings) as (HostileValue & { value: string })[];

/** Values for JSON and JSONObject sites. */
export const HOSTILE_JSON: readonly HostileValue[] = load((corpusJson as { json: Entry[] }).json);

/** A corpus string by name (throws on a typo, so tests fail loudly). */
export function hostile(name: string): string {
  const found = HOSTILE_STRINGS.find((v) => v.name === name);
  if (!found) throw new Error(`no hostile string named ${JSON.stringify(name)}`);
  return found.value;
}

/** A corpus JSON value by name. */
export function hostileJson(name: string): unknown {
  const found = HOSTILE_JSON.find((v) => v.name === name);
  if (!found) throw new Error(`no hostile JSON value named ${JSON.stringify(name)}`);
  return found.value;
}

/**
 * A deterministic sample: the core values, plus `extra` others picked by a hash of `site`, so each
 * site gets a different but reproducible slice of the corpus.
 */
export function sampleFor<T extends HostileValue>(values: readonly T[], site: string, extra: number): T[] {
  const core = values.filter((v) => v.core);
  const rest = values.filter((v) => !v.core);
  let h = 2166136261;
  for (let i = 0; i < site.length; i++) h = Math.imul(h ^ site.charCodeAt(i), 16777619) >>> 0;
  const picked: T[] = [];
  for (let i = 0; i < Math.min(extra, rest.length); i++) picked.push(rest[(h + i * 7919) % rest.length]!);
  return [...core, ...new Set(picked)];
}

/**
 * JSON text of any value, however deep: JSON.stringify is recursive and overflows the stack on the
 * corpus's deepest values, so those are written out with an explicit stack.
 */
export function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  type Item = { readonly text: string } | { readonly value: unknown };
  const out: string[] = [];
  const stack: Item[] = [{ value }];
  while (stack.length) {
    const item = stack.pop()!;
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      out.push('[');
      stack.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i] }, ...(i > 0 ? [{ text: ',' }] : []));
    } else if (typeof v === 'object' && v !== null) {
      out.push('{');
      stack.push({ text: '}' });
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1] }, { text: `${i > 0 ? ',' : ''}${JSON.stringify(entries[i]![0])}:` });
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  }
  return out.join('');
}
