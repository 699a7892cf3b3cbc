import { parse } from 'csv-parse/sync';
import { gunzipSync } from 'node:zlib';
import { unescapeFormula } from '../../src/domain/csv';
import {
  CreateApiKeyDocument, CreateSegmentDocument, DefineCustomFieldDocument, SegmentCountDocument, SetEmailStatusDocument, UpsertProfilesDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';
import { download } from '../support/download';

const AS_OF = '2026-11-28T12:00:00.000Z';

/** Values a CSV writer or a spreadsheet gets wrong: quotes, separators, formula prefixes, Unicode. */
const HOSTILE = [
  'plain', 'O\'Brien, "the boss"', '=cmd|\' /C calc\'!A0', '+1+1', '-2+3', '@SUM(A1:A2)', '\tleading tab', "'quoted", "'=both", '\\.', '',
  'Zoë Ångström 李小龙 🎉', 'a;b;c', ' padded ', '"', ',',
];

async function seedBasic(client: GraphQLClient): Promise<void> {
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  await client.data(DefineCustomFieldDocument, { input: { key: 'score', type: 'NUMBER' } });
  await client.data(UpsertProfilesDocument, {
    inputs: [
      { email: 'a@example.com', firstName: 'Ana', phones: ['+14155550101', '+14155550102'], custom: { tier: 'gold', score: 12.5 }, birthdayDay: 29, birthdayMonth: 2 },
      { email: 'b@example.com', firstName: 'Ben', custom: { tier: 'silver' } },
      { email: 'c@example.com', lastName: 'Cruz' },
      { phones: ['+14155550199'], firstName: 'Phone only' },
    ],
  });
  await client.data(SetEmailStatusDocument, { input: { email: 'a@example.com', status: 'SUBSCRIBED', source: 'FORM' } });
  await client.data(SetEmailStatusDocument, { input: { email: 'b@example.com', status: 'UNSUBSCRIBED', source: 'UNSUBSCRIBE_LINK' } });
}

describeEachApp('audience exports over HTTP', (getApp) => {
  const base = () => getApp().app.url;

  test('a segment filtered on both dimensions exports neither, and has exactly count(asOf) rows', async () => {
    const { client } = await newNamespace(getApp().url);
    await seedBasic(client);
    const { createSegment } = await client.data(CreateSegmentDocument, {
      input: { name: 'Known or subscribed, identified lately', definition: { expression: 'email_status != "UNSUBSCRIBED" and first_identified_date within last 30 days' } },
    });
    const asOf = new Date().toISOString();
    const exactCount = (await client.data(SegmentCountDocument, { id: createSegment.id, asOf })).segment.count;
    expect(exactCount).toBe(2); // a (SUBSCRIBED) and c (KNOWN); b is unsubscribed, the phone-only profile has no identification date

    const csv = await download(base(), `/exports/segments/${createSegment.id}.csv?asOf=${asOf}`, { key: client.key });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="${createSegment.id}-\\d{8}T\\d{6}Z\\.csv"$`));
    expect(csv.trailers['x-export-rows']).toBe(String(exactCount));
    const records = parse(csv.text) as string[][];
    const header = records[0]!;
    expect(header).toEqual([
      'profile_id', 'email', 'phones', 'first_name', 'last_name', 'birthday_day', 'birthday_month', 'email_hash_number', 'has_control_group_halted_email',
      'has_email_delivered', 'has_received_email', 'last_email_scheduled', 'last_purchase_date', 'last_email_sent', 'custom.score', 'custom.tier',
    ]);
    for (const forbidden of ['email_status', 'first_identified_date', 'first_identified_at']) {
      expect(header).not.toContain(forbidden);
    }
    const rows = records.slice(1);
    expect(rows).toHaveLength(exactCount);
    // No value of any row is a dimension's value.
    for (const row of rows) {
      expect(row).toHaveLength(header.length);
      for (const value of row) expect(['KNOWN', 'SUBSCRIBED', 'UNSUBSCRIBED']).not.toContain(value);
    }
    expect(rows.map((r) => r[1])).toEqual(['a@example.com', 'c@example.com']);
    expect(rows[0]).toEqual([rows[0]![0], 'a@example.com', '+14155550101;+14155550102', 'Ana', '', '29', '2', expect.stringMatching(/^\d{1,2}$/), '', 'false', 'false', '', '', '', '12.5', 'gold']);

    const jsonl = await download(base(), `/exports/segments/${createSegment.id}.jsonl?asOf=${asOf}`, { key: client.key });
    expect(jsonl.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = jsonl.text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(exactCount);
    const objects = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const o of objects) {
      expect(Object.keys(o)).not.toEqual(expect.arrayContaining(['email_status']));
      expect(JSON.stringify(o)).not.toMatch(/email_status|first_identified|SUBSCRIBED|KNOWN/);
    }
    expect(objects[0]).toEqual({
      profile_id: Number(rows[0]![0]), email: 'a@example.com', phones: ['+14155550101', '+14155550102'], first_name: 'Ana', last_name: null,
      birthday_day: 29, birthday_month: 2, email_hash_number: expect.any(Number), has_control_group_halted_email: null, has_email_delivered: false,
      has_received_email: false, last_email_scheduled: null, last_purchase_date: null, last_email_sent: null, custom: { score: 12.5, tier: 'gold' },
    });

    for (const dimension of ['email_status', 'first_identified_date']) {
      const refused = await download(base(), `/exports/segments/${createSegment.id}.csv?columns=email,${dimension}`, { key: client.key });
      expect(refused.status).toBe(400);
      const error = (JSON.parse(refused.text) as { errors: { message: string; extensions: { code: string; problems: { path: string[]; code: string }[] } }[] }).errors[0]!;
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.message).toBe(`columns[1]: "${dimension}" is a dimension: it can be used to build segments, but dimensions are never exported`);
      expect(error.extensions.problems).toEqual([expect.objectContaining({ path: ['columns', '1'], code: 'NOT_EXPORTABLE' })]);
    }
  });

  test('chosen columns, gzip, unsaved definitions, and clear errors', async () => {
    const { client } = await newNamespace(getApp().url);
    await seedBasic(client);
    const { createSegment } = await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } });
    const chosen = await download(base(), `/exports/segments/${createSegment.id}.csv?columns=email,custom.tier,phones&asOf=${AS_OF}`, { key: client.key });
    expect(chosen.text).toBe('email,custom.tier,phones\na@example.com,gold,+14155550101;+14155550102\n');
    expect(chosen.headers['x-export-columns']).toBe('email,custom.tier,phones');

    const gz = await download(base(), `/exports/segments/${createSegment.id}.csv.gz?columns=email,custom.tier,phones&asOf=${AS_OF}`, { key: client.key });
    expect(gz.headers['content-type']).toBe('application/gzip');
    expect(gunzipSync(gz.body).toString('utf8')).toBe(chosen.text);

    const byDefinition = await download(base(), '/exports/definition.jsonl', { key: client.key, body: { definition: { expression: 'first_name is set' }, asOf: AS_OF, columns: ['first_name', 'email'] } });
    expect(byDefinition.status).toBe(200);
    expect(byDefinition.text).toBe('{"first_name":"Ana","email":"a@example.com"}\n{"first_name":"Ben","email":"b@example.com"}\n{"first_name":"Phone only","email":null}\n');

    const problems = await download(base(), `/exports/segments/${createSegment.id}.csv?columns=emial,sms_status,birthday,email,email`, { key: client.key });
    expect(problems.status).toBe(400);
    expect((JSON.parse(problems.text) as { errors: { extensions: { problems: { message: string }[] } }[] }).errors[0]!.extensions.problems.map((p) => p.message)).toEqual([
      '"emial" is not a column of this namespace; did you mean "email"?',
      '"sms_status" is per-phone SMS eligibility, which exports do not carry; export "phones", and filter the segment on "sms_status"',
      '"birthday" is the month-and-day pair audiences filter on; export "birthday_month" and "birthday_day" instead',
      '"email" is named twice',
    ]);
    const badAsOf = await download(base(), `/exports/segments/${createSegment.id}.csv?asOf=yesterday`, { key: client.key });
    expect([badAsOf.status, badAsOf.text]).toEqual([400, expect.stringContaining('asOf: must be an ISO 8601 date')]);
    const badDefinition = await download(base(), '/exports/definition.csv', { key: client.key, body: { definition: { expression: 'frist_name is set' } } });
    expect([badDefinition.status, badDefinition.text]).toEqual([400, expect.stringContaining('first_name')]);
    const notJson = await download(base(), '/exports/definition.csv', { key: client.key, body: 'nope' });
    expect(notJson.status).toBe(400);
    const wrongMethod = await download(base(), `/exports/segments/${createSegment.id}.csv`, { key: client.key, method: 'POST', body: {} });
    expect(wrongMethod.status).toBe(405);
    const jsonlEscape = await download(base(), `/exports/segments/${createSegment.id}.jsonl?formulas=ESCAPE`, { key: client.key });
    expect([jsonlEscape.status, jsonlEscape.text]).toEqual([400, expect.stringContaining('applies to CSV only')]);
  });

  test('hostile values come out as CSV that parses back to the same values; ESCAPE defuses formulas reversibly', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'note', type: 'STRING' } });
    const inputs = HOSTILE.map((value, i) => ({ email: `h${i}@example.com`, firstName: value === '' ? null : value, custom: { note: value === '' ? null : value } }));
    await client.data(UpsertProfilesDocument, { inputs });
    // The API refuses control characters in names, but an export must not depend on that:
    // values with CR and LF arrive as stored data.
    const { db } = getApp().app;
    const withNewlines = ['two\nlines', 'cr\r\nlf', '\rstarts with CR', 'trailing newline\n'];
    const { upsertProfiles } = await client.data(UpsertProfilesDocument, { inputs: withNewlines.map((_, i) => ({ email: `n${i}@example.com` })) });
    for (const [i, value] of withNewlines.entries()) {
      await db.orm.em.fork().getConnection().execute('update profile set first_name = ?, custom = jsonb_build_object(\'note\', ?::text) where id = ?', [value, value, Number(upsertProfiles.results[i]!.profileId)]);
    }
    const expected = [...HOSTILE.map((v) => (v === '' ? '' : v.trim())), ...withNewlines];
    const { createSegment } = await client.data(CreateSegmentDocument, { input: { name: 'All', definition: { expression: 'email is set' } } });

    const kept = await download(base(), `/exports/segments/${createSegment.id}.csv?columns=first_name,custom.note&formulas=KEEP`, { key: client.key });
    const keptRows = (parse(kept.text) as string[][]).slice(1);
    expect(keptRows.map((r) => r[0])).toEqual(expected);
    expect(keptRows.map((r) => r[1])).toEqual(expected);

    const escaped = await download(base(), `/exports/segments/${createSegment.id}.csv?columns=first_name,custom.note`, { key: client.key });
    const escapedRows = (parse(escaped.text) as string[][]).slice(1);
    for (const row of escapedRows) for (const value of row) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    expect(escapedRows.map((r) => r[0])).toContain("'=cmd|' /C calc'!A0");
    expect(escapedRows.map((r) => unescapeFormula(r[0]!))).toEqual(expected);
    expect(escapedRows.map((r) => unescapeFormula(r[1]!))).toEqual(expected);

    const jsonl = await download(base(), `/exports/segments/${createSegment.id}.jsonl?columns=first_name,custom.note`, { key: client.key });
    const objects = jsonl.text.trimEnd().split('\n').map((l) => JSON.parse(l) as { first_name: string | null; custom: { note: string | null } });
    expect(objects.map((o) => o.first_name ?? '')).toEqual(expected);
    expect(objects.map((o) => o.custom.note ?? '')).toEqual(expected);
  });

  test('roles and namespaces: VIEWER cannot export, MARKETER can, another namespace cannot see the segment', async () => {
    const { client } = await newNamespace(getApp().url);
    await seedBasic(client);
    const { createSegment } = await client.data(CreateSegmentDocument, { input: { name: 'Everyone', definition: { expression: 'first_name is set' } } });
    const path = `/exports/segments/${createSegment.id}.csv`;
    const keyOf = async (role: 'VIEWER' | 'MARKETER') => (await client.data(CreateApiKeyDocument, { input: { name: role, role } })).createApiKey.secret;
    const viewer = await download(base(), path, { key: await keyOf('VIEWER') });
    expect([viewer.status, JSON.parse(viewer.text).errors[0].extensions.code]).toEqual([403, 'FORBIDDEN']);
    expect((await download(base(), path, { key: await keyOf('MARKETER') })).status).toBe(200);
    expect((await download(base(), path)).status).toBe(401);
    expect((await download(base(), path, { key: 'agk_wrong' })).status).toBe(401);
    const { client: other } = await newNamespace(getApp().url);
    const foreign = await download(base(), path, { key: other.key });
    expect([foreign.status, JSON.parse(foreign.text).errors[0].extensions.code]).toEqual([404, 'NOT_FOUND']);
    const foreignDefinition = await download(base(), '/exports/definition.csv', { key: other.key, body: { definition: { expression: `in segment "${createSegment.id}"` } } });
    expect(foreignDefinition.status).toBe(400);
  });
});
