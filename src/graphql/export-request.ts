import { parseInstant } from '../domain/datetime';
import { AppError } from '../domain/errors';
import type { ExportRequest, FormulaHandling } from '../services';
import type { SegmentDefinitionInput } from '../services';

/**
 * Maps the parameters of the plain HTTP export routes to an export request, like a resolver maps
 * GraphQL arguments: `asOf` (ISO 8601, default `now`), `columns` (comma-separated, or repeated),
 * `formulas` (ESCAPE or KEEP, CSV only).
 *
 * @example exportRequestFromQuery({ kind: 'segment', segmentId: 'seg_1' }, 'CSV', new URLSearchParams('asOf=2026-11-28&columns=email,first_name'), now)
 */
export function exportRequestFromQuery(source: ExportRequest['source'], format: ExportRequest['format'], query: URLSearchParams, now: Date): ExportRequest {
  const columns = query.getAll('columns').flatMap((v) => v.split(',')).map((c) => c.trim()).filter((c) => c !== '');
  return {
    source,
    format,
    asOf: instant(query.get('asOf'), now),
    columns: query.has('columns') ? columns : null,
    formulas: formulas(query.get('formulas')),
  };
}

/** The JSON body of `POST /exports/definition.csv`: `{ "definition": { "expression": "…" }, "asOf"?, "columns"?, "formulas"? }`. */
export function exportRequestFromBody(body: unknown, format: ExportRequest['format'], now: Date): ExportRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw AppError.invalid([], 'the body must be a JSON object: {"definition": {"expression": "…"}, "asOf": "…", "columns": ["email"]}');
  }
  const b = body as Record<string, unknown>;
  const definition = b.definition;
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw AppError.invalid(['definition'], 'is required: {"expression": "…"} (text) or {"filter": {…}} (JSON)');
  }
  if (b.columns !== undefined && b.columns !== null && (!Array.isArray(b.columns) || !b.columns.every((c) => typeof c === 'string'))) {
    throw AppError.invalid(['columns'], 'must be a list of column names, e.g. ["email", "first_name"]');
  }
  if (b.asOf !== undefined && b.asOf !== null && typeof b.asOf !== 'string') throw AppError.invalid(['asOf'], 'must be an ISO 8601 instant string');
  if (b.formulas !== undefined && b.formulas !== null && typeof b.formulas !== 'string') throw AppError.invalid(['formulas'], 'must be ESCAPE or KEEP');
  return {
    source: { kind: 'definition', definition: definition as SegmentDefinitionInput },
    format,
    asOf: instant((b.asOf as string | undefined) ?? null, now),
    columns: (b.columns as string[] | undefined) ?? null,
    formulas: formulas((b.formulas as string | undefined) ?? null),
  };
}

function instant(raw: string | null, now: Date): Date {
  if (raw === null || raw.trim() === '') return now;
  const parsed = parseInstant(raw.trim());
  if (!parsed) throw AppError.invalid(['asOf'], `must be an ISO 8601 date (2026-11-28) or instant with offset (2026-11-28T00:00:00Z), got ${JSON.stringify(raw.slice(0, 60))}`);
  return parsed;
}

function formulas(raw: string | null): FormulaHandling | null {
  if (raw === null || raw.trim() === '') return null;
  const value = raw.trim().toUpperCase();
  if (value !== 'ESCAPE' && value !== 'KEEP') throw AppError.invalid(['formulas'], `must be ESCAPE or KEEP (got ${JSON.stringify(raw.slice(0, 40))})`);
  return value;
}
