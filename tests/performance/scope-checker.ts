/**
 * A small static check of one SQL statement: every read or write of a tenant table is scoped to
 * one namespace. The statement is split into query scopes (the top level and each parenthesized
 * `select`); in the scope where a tenant table appears, its alias must carry a namespace
 * predicate: `<alias>.namespace_id = $n`, or `= <other>.namespace_id` where `<other>` is a table
 * alias of the same or an enclosing scope (a correlated subquery), or a tuple
 * `(<alias>.namespace_id, …) in ((…))`. An INSERT into a tenant table must name `namespace_id`.
 *
 * It is a check of the shapes this code base writes (kysely-like SQL, MikroORM's quoted SQL), not
 * a SQL parser: an unknown shape fails rather than passes.
 */
export const TENANT_TABLES = [
  'profile', 'profile_phone', 'consent_change', 'profile_merge', 'event', 'custom_field', 'api_key', 'segment', 'segment_version', 'segment_dependency',
  'job', 'job_schedule', 'segment_snapshot', 'segment_snapshot_member',
  'segment_membership', 'segment_evaluation', 'segment_membership_change', 'segment_webhook', 'segment_webhook_delivery',
  'privacy_secret', 'forget_request', 'suppressed_identifier', 'audience_export',
] as const;

/**
 * A statement that serves every namespace on purpose (the job runner's claims and its own
 * bookkeeping by job ID) says so in a leading comment, `-- all namespaces: <why>`, so each one
 * is visible in review.
 */
export const ALL_NAMESPACES_MARKER = /^\s*-- all namespaces: \S/;

export interface ScopeProblem {
  readonly table: string;
  readonly alias: string;
  readonly message: string;
}

interface Scope {
  readonly text: string;
  readonly parent: Scope | null;
  aliases: string[];
}

const KEYWORDS = new Set([
  'where', 'on', 'set', 'join', 'left', 'right', 'inner', 'outer', 'full', 'cross', 'natural', 'lateral', 'group', 'order', 'limit', 'offset', 'using',
  'returning', 'values', 'select', 'union', 'having', 'window', 'for', 'as', 'and', 'or', 'default',
]);

/** Lower-cases, drops identifier quotes, blanks string literals and comments. */
export function normalizeSql(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"([^"]*)"/g, '$1')
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/** A query's own text (groups that are not subqueries kept inline) and its subqueries. */
function split(text: string): { own: string; subqueries: string[] } {
  let own = '';
  const subqueries: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '(') {
      own += text[i++];
      continue;
    }
    let depth = 1;
    let j = i + 1;
    while (j < text.length && depth > 0) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')') depth--;
      j++;
    }
    const inner = text.slice(i + 1, j - 1);
    if (/^\s*(select|with|insert|update|delete)\b/.test(inner)) {
      subqueries.push(inner);
      own += ' (subquery) ';
    } else {
      const nested = split(inner);
      own += ` (${nested.own}) `;
      subqueries.push(...nested.subqueries);
    }
    i = j;
  }
  return { own, subqueries };
}

/** The statement's scopes: the top level and every subquery, each with its parent. */
function scopes(sql: string): Scope[] {
  const result: Scope[] = [];
  const build = (text: string, parent: Scope | null): void => {
    const { own, subqueries } = split(text);
    const scope: Scope = { text: own, parent, aliases: [] };
    result.push(scope);
    for (const subquery of subqueries) build(subquery, scope);
  };
  build(sql, null);
  return result;
}

const TABLE_REF = new RegExp(`\\b(from|join|update|into|using)\\s+(?:only\\s+)?(?:public\\.)?(${TENANT_TABLES.join('|')})\\b(?:\\s+(?:as\\s+)?([a-z_][a-z0-9_]*))?`, 'g');

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function ancestorsAliases(scope: Scope): string[] {
  const all: string[] = [];
  for (let s: Scope | null = scope; s; s = s.parent) all.push(...s.aliases);
  return all;
}

export interface ScopeOptions {
  /** The `$n` numbers that hold the namespace (default: any parameter). */
  readonly params?: ReadonlySet<number>;
  /** The namespace id when a driver inlines it as a literal (`'uuid'`, as MikroORM does on PGlite). */
  readonly literal?: string;
}

/** Problems of one statement (empty when every tenant table is scoped). */
export function checkNamespaceScope(sql: string, options: ScopeOptions = {}): ScopeProblem[] {
  let namespaceParams = options.params;
  let source = sql;
  if (options.literal) {
    source = source.split(`'${options.literal}'`).join('$0');
    namespaceParams = new Set([...(namespaceParams ?? []), 0]);
  }
  const text = normalizeSql(source);
  const problems: ScopeProblem[] = [];
  const all = scopes(text);
  const refs = new Map<Scope, { keyword: string; table: string; alias: string }[]>();
  for (const scope of all) {
    const found: { keyword: string; table: string; alias: string }[] = [];
    for (const m of scope.text.matchAll(TABLE_REF)) {
      const alias = m[3] && !KEYWORDS.has(m[3]) ? m[3] : m[2]!;
      found.push({ keyword: m[1]!, table: m[2]!, alias });
      scope.aliases.push(alias);
    }
    refs.set(scope, found);
  }
  for (const scope of all) {
    for (const ref of refs.get(scope)!) {
      if (ref.keyword === 'into') {
        const columns = new RegExp(`\\binto\\s+(?:public\\.)?${ref.table}\\s*\\(([^)]*)\\)`).exec(scope.text);
        if (!columns || !/\bnamespace_id\b/.test(columns[1]!)) problems.push({ ...ref, message: `insert into ${ref.table} does not set namespace_id` });
        continue;
      }
      const a = escape(ref.alias);
      const qualified = `(?:${a}\\.)${ref.alias === ref.table ? '?' : ''}namespace_id`;
      const value = `(\\$(\\d+)|([a-z_][a-z0-9_]*)\\.namespace_id)`;
      const patterns = [
        new RegExp(`(?<![a-z0-9_.])${qualified}\\s*=\\s*${value}`, 'g'),
        new RegExp(`${value}\\s*=\\s*(?<![a-z0-9_.])${qualified}(?![a-z0-9_])`, 'g'),
      ];
      let scoped = false;
      for (const pattern of patterns) {
        for (const m of scope.text.matchAll(pattern)) {
          const param = m[2] ? Number(m[2]) : undefined;
          const other = m[3];
          if (param !== undefined && (!namespaceParams || namespaceParams.has(param))) scoped = true;
          if (other && other !== ref.alias && ancestorsAliases(scope).includes(other)) scoped = true;
        }
      }
      // MikroORM's composite-key lookups: (a.namespace_id, a.id) in (($1, $2), …)
      const tuple = new RegExp(`\\(\\s*${qualified}\\s*,[^)]*\\)\\s+in\\s+\\(\\s*\\(\\s*\\$(\\d+)`).exec(scope.text);
      if (tuple && (!namespaceParams || namespaceParams.has(Number(tuple[1])))) scoped = true;
      if (!scoped) problems.push({ ...ref, message: `${ref.table} ${ref.alias} has no namespace predicate in its scope` });
    }
  }
  return problems;
}

/** Whether a statement touches a tenant table at all. */
export function touchesTenantTable(sql: string): boolean {
  return new RegExp(TABLE_REF.source).test(normalizeSql(sql));
}
