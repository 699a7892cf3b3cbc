/**
 * The only way SQL text is built in the compiler (kysely `sql` template style): a `Fragment` is
 * trusted text written in this folder's source code, interleaved with `Param`s. A value can reach
 * a statement only as a `Param`, which renders as `$n`; the `sql` tag accepts nothing else between
 * its literal parts, so user text can never be spliced into SQL by accident.
 *
 * Parameters are numbered when a fragment is rendered, in the order they first appear in the
 * text; a `Param` object used twice (a custom-field key in `p.custom -> $2 ... p.custom ->> $2`)
 * gets one number.
 *
 * @example
 *   const key = new Param('tier');
 *   const fragment = sql`p.custom ->> ${key} = ${new Param('gold')}`;
 *   render(fragment, new Numbering())   // 'p.custom ->> $1 = $2', params ['tier', 'gold']
 */
import { AudienceCompileError } from './compile-error';

/** A value that enters SQL only as a `$n` placeholder. */
export class Param {
  constructor(readonly value: unknown) {}
}

type Part = string | Param;

/** Trusted SQL text and parameters. Built only by the `sql` tag and `join`. */
export class Fragment {
  /** @internal use the `sql` tag or `join`. */
  constructor(readonly parts: readonly Part[]) {}
}

/**
 * Builds a fragment from a template literal: the literal parts are trusted SQL from the source,
 * each `${}` must be a `Fragment` (inlined) or a `Param` (a placeholder).
 */
export function sql(strings: TemplateStringsArray, ...values: readonly (Fragment | Param)[]): Fragment {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text !== '') parts.push(text);
    if (i < values.length) {
      const value = values[i];
      if (value instanceof Fragment) parts.push(...value.parts);
      else if (value instanceof Param) parts.push(value);
      else throw new TypeError('sql`...` accepts only Fragment and Param values');
    }
  });
  return new Fragment(parts);
}

/** The fragments joined by a separator (`' and '`, `' or '`, `' union all '`). */
export function join(fragments: readonly Fragment[], separator: ' and ' | ' or ' | ' union all '): Fragment {
  const parts: Part[] = [];
  fragments.forEach((fragment, i) => {
    if (i > 0) parts.push(separator);
    parts.push(...fragment.parts);
  });
  return new Fragment(parts);
}

/**
 * Trusted SQL text from the caller's own code (the column list of a page), never from user
 * input. Refuses text that could break parameter numbering or end the statement.
 */
export function trusted(text: string): Fragment {
  if (typeof text !== 'string' || text.trim() === '' || /[$;]|--|\/\*/.test(text)) {
    throw AudienceCompileError.invalidOptions('A trusted SQL list must be non-empty and hold no `$`, `;` or comments.');
  }
  return new Fragment([text]);
}

/** The fragments one after another. */
export function concat(fragments: readonly Fragment[]): Fragment {
  return new Fragment(fragments.flatMap((fragment) => fragment.parts));
}

/** Assigns `$n` numbers to parameters and collects their values, in order of first appearance. */
export class Numbering {
  readonly params: unknown[] = [];
  private readonly numbers = new Map<Param, number>();

  /** Makes `param` render as the same `$n` as `target` (one namespace parameter for many queries). */
  alias(param: Param, target: Param): void {
    this.numbers.set(param, this.numberOf(target));
  }

  /** The number of a parameter, giving it the next one on first sight. */
  numberOf(param: Param): number {
    let n = this.numbers.get(param);
    if (n === undefined) {
      this.params.push(param.value);
      n = this.params.length;
      this.numbers.set(param, n);
    }
    return n;
  }
}

/** The SQL text of a fragment, numbering its parameters with (and into) `numbering`. */
export function render(fragment: Fragment, numbering: Numbering): string {
  return fragment.parts.map((part) => (typeof part === 'string' ? part : `$${numbering.numberOf(part)}`)).join('');
}
