import { csvRecord, unescapeFormula } from '../../src/domain/csv';
import { BUILT_IN_EXPORT_COLUMNS, exportColumnsFor } from '../../src/domain/export-columns';
import { BUILT_IN_FIELDS, isExportable } from '../../src/domain/profile-fields';

describe('export columns come from the field catalog', () => {
  test('no dimension is ever a column, whatever its spec says', () => {
    const dimensions = BUILT_IN_FIELDS.filter((f) => f.kind === 'DIMENSION').map((f) => f.name);
    expect(dimensions).toEqual(['email_status', 'first_identified_date']);
    const names = exportColumnsFor([{ key: 'tier', type: 'STRING' }]).map((c) => c.name);
    for (const d of dimensions) expect(names).not.toContain(d);
    // A dimension added later, even one flagged exportable by mistake, stays out.
    expect(isExportable({ name: 'lifetime_value', graphqlName: 'lifetimeValue', kind: 'DIMENSION', type: 'NUMBER', description: '', writable: false, exportable: true })).toBe(false);
  });

  test('the default columns: IDs, standard, reserved, then custom fields by key', () => {
    expect(BUILT_IN_EXPORT_COLUMNS.map((c) => c.name)).toEqual([
      'profile_id', 'email', 'phones', 'first_name', 'last_name', 'birthday_day', 'birthday_month', 'email_hash_number',
      'has_control_group_halted_email', 'has_email_delivered', 'has_received_email', 'last_email_scheduled', 'last_purchase_date', 'last_email_sent',
    ]);
    expect(exportColumnsFor([{ key: 'z', type: 'NUMBER' }, { key: 'a', type: 'STRING' }]).slice(-2).map((c) => [c.name, c.type, c.freeText])).toEqual([
      ['custom.a', 'TEXT', true], ['custom.z', 'NUMBER', false],
    ]);
  });
});

describe('CSV writing', () => {
  test('quotes like PostgreSQL COPY: empty, separators, quotes and line breaks', () => {
    expect(csvRecord(['a', null, '', 'x,y', 'say "hi"', 'two\nlines', 'cr\r', ' sp '])).toBe('a,,"","x,y","say ""hi""","two\nlines","cr\r", sp \n');
    expect(csvRecord(['\\.'])).toBe('"\\."\n');
    expect(csvRecord(['\\.', 'x'])).toBe('\\.,x\n');
  });

  test('formula escaping is reversible', () => {
    for (const [stored, escaped] of [['=1+1', "'=1+1"], ["'x", "''x"], ["'=x", "''=x"], ['plain', 'plain'], ["'", "''"]]) {
      expect(unescapeFormula(escaped!)).toBe(stored);
    }
  });
});
