import { SegmentRow } from './entities';
import type { Sql } from './sql';

/** Reads and writes of saved segments that the EntityManager does not cover: references and keyset pages. */
export class SegmentRepository {
  constructor(
    private readonly sql: Sql,
    private readonly namespaceId: string,
  ) {}

  /**
   * One saved segment, read with one parameterized statement (no ORM): a plain `SegmentRow` that no
   * EntityManager manages, for reads and evaluation. Writes re-read the row under a lock.
   */
  async row(id: string): Promise<SegmentRow | undefined> {
    const row = await this.sql.one<{
      id: string; name: string; description: string; definition: unknown; text: string; version: number;
      created_by: string; updated_by: string; created_at: Date; updated_at: Date;
    }>(
      `select s.id, s.name, s.description, s.definition, s.text, s.version, s.created_by, s.updated_by, s.created_at, s.updated_at
       from segment s where s.namespace_id = $1 and s.id = $2`,
      [this.namespaceId, id],
      { label: 'segment.get' },
    );
    if (!row) return undefined;
    return Object.assign(new SegmentRow(), {
      namespaceId: this.namespaceId, id: row.id, name: row.name, description: row.description, definition: row.definition, text: row.text,
      version: Number(row.version), createdBy: row.created_by, updatedBy: row.updated_by, createdAt: row.created_at, updatedAt: row.updated_at,
    });
  }

  /** Stored definitions of the given segments (those that exist). */
  definitions(ids: readonly string[]): Promise<{ id: string; definition: unknown }[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.sql.rows(`select id, definition from segment where namespace_id = $1 and id = any($2::text[])`, [this.namespaceId, ids]);
  }

  /**
   * For each reference of a text filter, the segment whose id it is and the one whose name it is
   * (ignoring case, as the unique index on `lower(name)`); references matching neither are absent.
   */
  segmentsByIdOrName(refs: readonly string[]): Promise<{ ref: string; id: string; by_id: boolean }[]> {
    if (refs.length === 0) return Promise.resolve([]);
    return this.sql.rows(
      `select r.ref, s.id, s.id = r.ref as by_id
       from unnest($2::text[]) as r(ref)
       join segment s on s.namespace_id = $1 and (s.id = r.ref or lower(s.name) = lower(r.ref))
       order by r.ref, by_id desc`,
      [this.namespaceId, refs],
    );
  }

  /** Segment names of the namespace for "did you mean", at most `limit`, in name order. */
  async names(limit: number): Promise<string[]> {
    const rows = await this.sql.rows<{ name: string }>(`select name from segment where namespace_id = $1 order by name limit $2`, [this.namespaceId, limit]);
    return rows.map((row) => row.name);
  }

  /** Segments whose definitions reference the given one. */
  dependents(id: string): Promise<{ id: string; name: string }[]> {
    return this.sql.rows(
      `select s.id, s.name from segment_dependency d join segment s on s.namespace_id = d.namespace_id and s.id = d.segment_id
       where d.namespace_id = $1 and d.depends_on_id = $2 order by s.name, s.id`,
      [this.namespaceId, id],
    );
  }

  /**
   * Every segment that uses the given one, directly or through others (a chain of references),
   * with its stored definition, by name.
   */
  transitiveDependents(id: string): Promise<{ id: string; name: string; definition: unknown }[]> {
    return this.sql.rows(
      `with recursive dependent(id) as (
         select segment_id from segment_dependency where namespace_id = $1 and depends_on_id = $2
         union
         select d.segment_id from segment_dependency d join dependent on d.depends_on_id = dependent.id where d.namespace_id = $1
       )
       select s.id, s.name, s.definition from segment s join dependent on dependent.id = s.id where s.namespace_id = $1 order by s.name, s.id`,
      [this.namespaceId, id],
    );
  }

  dependencies(id: string): Promise<{ id: string }[]> {
    return this.sql.rows(`select depends_on_id as id from segment_dependency where namespace_id = $1 and segment_id = $2 order by 1`, [this.namespaceId, id]);
  }

  async replaceDependencies(id: string, dependsOn: readonly string[]): Promise<void> {
    await this.sql.execute(`delete from segment_dependency where namespace_id = $1 and segment_id = $2`, [this.namespaceId, id]);
    if (dependsOn.length === 0) return;
    await this.sql.execute(
      `insert into segment_dependency (namespace_id, segment_id, depends_on_id) select $1, $2, d from unnest($3::text[]) as d`,
      [this.namespaceId, id, dependsOn],
    );
  }

  /** A page of segments by name (case-insensitive), after the given (name, id) position. */
  page(after: { name: string; id: string } | null, limit: number): Promise<{ id: string }[]> {
    return this.sql.rows(
      `select id from segment where namespace_id = $1
         and ($2::text is null or (lower(name), id) > ($2::text, $3::text))
       order by lower(name), id limit $4`,
      [this.namespaceId, after?.name ?? null, after?.id ?? null, limit],
    );
  }
}
