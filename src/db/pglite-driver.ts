import { Utils, type AnyEntity, type Configuration, type EntityData, type LoggingOptions, type QueryResult, type Transaction } from '@mikro-orm/core';
import { AbstractSqlDriver, PostgreSqlPlatform, type Knex } from '@mikro-orm/postgresql';
import { PGliteConnection } from 'mikro-orm-pglite';

type Bound = { sql: string; bindings: unknown[] };

/**
 * MikroORM's `?` / `??` / `\?` query with its params as knex raw SQL with real bind parameters:
 * values stay out of the SQL text (`?`, which knex numbers `$1, $2, …`), identifiers (`??`) are
 * quoted in place, and each value is given the text MikroORM would have inlined (dates in its
 * format, plain objects as JSON, lists as one parameter per item).
 *
 * @example bindParams('select * from "segment" where "id" = ? and "namespace_id" in (?)', ['seg_x;', ['a', 'b']], platform)
 *   // { sql: 'select * from "segment" where "id" = ? and "namespace_id" in (?, ?)', bindings: ['seg_x;', 'a', 'b'] }
 */
export function bindParams(sql: string, params: readonly unknown[], platform: PostgreSqlPlatform): Bound {
  const bindings: unknown[] = [];
  let out = '';
  let next = 0;
  const value = (v: unknown): string => {
    if (Utils.isRawSql(v)) {
      const inner = bindParams(v.sql, v.params ?? [], platform);
      bindings.push(...inner.bindings);
      return inner.sql;
    }
    if (Array.isArray(v)) return v.map(value).join(', ');
    if (v instanceof Date) bindings.push(platform.formatDate(v));
    else if (Utils.isPlainObject(v)) bindings.push(JSON.stringify(v));
    else bindings.push(v === undefined ? null : v);
    return '?';
  };
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === '\\' && sql[i + 1] === '?') {
      out += '\\?';
      i++;
    } else if (c === '?' && sql[i + 1] === '?') {
      out += platform.quoteIdentifier(String(params[next++]));
      i++;
    } else if (c === '?') {
      out += value(params[next++]);
    } else {
      out += c;
    }
  }
  return { sql: out, bindings };
}

/**
 * The PGlite connection of `mikro-orm-pglite`, with real bind parameters. MikroORM inlines escaped
 * values into the SQL text, and knex-pglite sends any SQL with a `;` in it through PGlite's
 * `exec()` (multiple statements, no parameters): a value such as `seg_x;` then made a lookup come
 * back as a list of results (a phantom row, or "Expected 1 bindings, saw 2"). Here values are
 * parameters, so the SQL text holds no user text and a lookup has exactly one result shape, as on
 * the PostgreSQL server. Statements without parameters (migrations) are unchanged.
 */
export class BoundPGliteConnection extends PGliteConnection {
  override async execute<T extends QueryResult | EntityData<AnyEntity> | EntityData<AnyEntity>[] = EntityData<AnyEntity>[]>(queryOrKnex: string | Knex.QueryBuilder | Knex.Raw, params: unknown[] = [], method: 'all' | 'get' | 'run' = 'all', ctx?: Transaction, loggerContext?: LoggingOptions): Promise<T> {
    await this.ensureConnection();
    let query: string;
    if (Utils.isObject<Knex.QueryBuilder | Knex.Raw>(queryOrKnex)) {
      ctx ??= (queryOrKnex as unknown as { client: { transacting?: unknown } }).client.transacting ? (queryOrKnex as unknown as Transaction) : undefined;
      const q = queryOrKnex.toSQL();
      query = q.sql;
      params = [...(q.bindings ?? [])];
    } else {
      query = queryOrKnex;
    }
    if (params.length === 0) return super.execute<T>(query, [], method, ctx, loggerContext);
    query = this.config.get('onQuery')(query, params);
    const platform = this.platform as PostgreSqlPlatform;
    const bound = bindParams(query, params, platform);
    // The log shows the statement as MikroORM would have written it (getSql is private upstream).
    const getSql = (this as unknown as { getSql(q: string, formatted: string, context?: LoggingOptions): string }).getSql;
    const logged = getSql.call(this, query, platform.formatQuery(query, params), loggerContext);
    return this.executeQuery<T>(logged, async () => {
      const raw = this.getKnex().raw(bound.sql, bound.bindings as Knex.RawBinding[]);
      if (ctx) raw.transacting(ctx as Knex.Transaction);
      return this.transformRawResult<T>(await raw, method);
    }, { query, params, ...loggerContext });
  }
}

/** `mikro-orm-pglite`'s driver over `BoundPGliteConnection`. */
export class BoundPGliteDriver extends AbstractSqlDriver<BoundPGliteConnection> {
  constructor(config: Configuration) {
    super(config, new PostgreSqlPlatform(), BoundPGliteConnection, ['knex', '@electric-sql/pglite', '@harryplusplus/knex-pglite']);
  }
}
