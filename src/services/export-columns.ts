import { suggestionList } from '../audience';
import type { CustomFieldRow } from '../db/entities';
import { AppError } from '../domain/errors';
import { exportColumnsFor, notExportableReason, type ExportColumn } from '../domain/export-columns';

export const MAX_EXPORT_COLUMNS = 600;

/**
 * The columns of one export: all exportable columns by default, or the ones asked for, in the
 * order asked. A dimension, a channel status or an unknown name is BAD_USER_INPUT saying why (with
 * "did you mean" for near misses); every problem is reported at once.
 *
 * @example resolveExportColumns(['email', 'custom.tier'], fields) // [email column, custom.tier column]
 */
export function resolveExportColumns(requested: readonly string[] | null | undefined, customFields: readonly CustomFieldRow[], path: readonly (string | number)[] = ['columns']): ExportColumn[] {
  const available = exportColumnsFor(customFields);
  if (requested === null || requested === undefined) return available;
  if (requested.length === 0) throw AppError.invalid(path, 'is empty: name at least one column, or leave it out to export every exportable column');
  if (requested.length > MAX_EXPORT_COLUMNS) throw AppError.invalid(path, `names ${requested.length} columns; at most ${MAX_EXPORT_COLUMNS}`);
  const byName = new Map(available.map((c) => [c.name, c]));
  const seen = new Set<string>();
  const problems: { path: (string | number)[]; message: string; code: string }[] = [];
  const columns: ExportColumn[] = [];
  requested.forEach((raw, i) => {
    const name = String(raw).trim();
    const column = byName.get(name);
    if (column && !seen.has(name)) {
      seen.add(name);
      columns.push(column);
      return;
    }
    if (column) return problems.push({ path: [...path, i], message: `"${name}" is named twice`, code: 'DUPLICATE_COLUMN' });
    const reason = notExportableReason(name);
    if (reason) return problems.push({ path: [...path, i], message: reason, code: 'NOT_EXPORTABLE' });
    const suggestions = suggestionList(name, [...byName.keys()]);
    const hint = suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : `; exportable columns are ${[...byName.keys()].join(', ')}`;
    problems.push({ path: [...path, i], message: `"${name.slice(0, 100)}" is not a column of this namespace${hint}`, code: 'UNKNOWN_COLUMN' });
  });
  if (problems.length) throw AppError.invalidMany(problems);
  return columns;
}
