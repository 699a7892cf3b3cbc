import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelImportDocument, CreateApiKeyDocument, CreateImportDocument, DefineCustomFieldDocument, ImportDocument, ImportsDocument, ProfileByEmailDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';
import { download } from '../support/download';
import { countsOf, uploadFile, waitForImport } from './support';

const importDir = mkdtempSync(join(tmpdir(), 'ag-imports-test-'));
afterAll(() => rmSync(importDir, { recursive: true, force: true }));

/**
 * A messy export from a spreadsheet: a UTF-8 BOM, CRLF line ends, quoted fields with commas, quotes
 * and a newline, a bad email, a bad phone, bad dates, a custom value of the wrong type, a row with
 * a field too many, a duplicate row, and a column nobody mapped.
 */
const MESSY = [
  '\uFEFFEmail,Phone,First Name,Family,Loyalty,Score,Joined,Notes',
  'ana@example.com,+14155550101,Ana,"O\'Brien, ""Jr.""",gold,12.5,2026-01-31T09:30:00Z,"likes ""red""\r\nand blue"',
  'not-an-email,,Carl,,,,,',
  'dee@example.com,555-BAD,Dee,,,,,',
  'eve@example.com,,Eve,,,lots,,',
  'fay@example.com,,Fay,,,,31/01/2026,',
  'gus@example.com,,Gus,,,,2026-01-31T09:30:00,',
  'ana@example.com,+14155550101,Ana,"O\'Brien, ""Jr.""",gold,12.5,2026-01-31T09:30:00Z,duplicate row',
  'hal@example.com,,Hal,,,,,,one field too many',
  ',+14155550177,Phone Only,,,,,',
  'ivy@EXAMPLE.com,,Ivy,Ito,silver,3,2026-02-01,',
].join('\r\n') + '\r\n';

async function defineFields(client: GraphQLClient): Promise<void> {
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  await client.data(DefineCustomFieldDocument, { input: { key: 'score', type: 'NUMBER' } });
  await client.data(DefineCustomFieldDocument, { input: { key: 'joined', type: 'DATETIME' } });
}

describeEachApp('CSV imports over HTTP', (getApp) => {
  const base = () => getApp().app.url;

  async function runImport(client: GraphQLClient, kind: string, file: string, options: { mapping?: Record<string, string | null>; delimiter?: string; dryRun?: boolean } = {}) {
    const { createImport } = await client.data(CreateImportDocument, { kind, mapping: options.mapping, options: { delimiter: options.delimiter, dryRun: options.dryRun, fileName: `${kind}.csv` } });
    expect(createImport.status).toBe('AWAITING_FILE');
    const uploaded = await uploadFile(base(), createImport.id, file, client.key);
    expect(uploaded).toEqual({ status: 200, json: { id: createImport.id, status: 'QUEUED', bytes: Buffer.byteLength(file) } });
    return waitForImport(client, createImport.id);
  }

  async function dbCount(sql: string, params: unknown[]): Promise<number> {
    const rows = await getApp().app.db.orm.em.fork().getConnection().execute<{ n: string | number }[]>(sql, params);
    return Number(rows[0]!.n);
  }

  test('a messy file imports every good row and rejects exactly the bad ones, with an error CSV of those rows', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    await defineFields(client);
    const job = await runImport(client, 'customers', MESSY, { mapping: { family: 'last_name', LOYALTY: 'custom.tier' } });
    expect(job.status).toBe('SUCCEEDED');
    expect(job.error).toBeNull();
    expect(job.headers).toEqual(['Email', 'Phone', 'First Name', 'Family', 'Loyalty', 'Score', 'Joined', 'Notes']);
    expect(job.unknownColumns).toEqual(['Notes']);
    expect(countsOf(job)).toEqual({ read: 10, created: 3, updated: 0, unchanged: 1, rejected: 6 });
    expect(job.bytesProcessed).toBe(Buffer.byteLength(MESSY));
    expect(job.bytesTotal).toBe(Buffer.byteLength(MESSY));
    expect(job.startedAt).not.toBeNull();
    expect(job.finishedAt).not.toBeNull();
    expect(job.rejections.map((r) => [r.row, r.column, r.error])).toEqual([
      [2, 'Email', 'Email: "not-an-email" is not a valid email address: it has no "@"; send an address such as ana@example.com'],
      [3, 'Phone', 'Phone: "555-BAD" is not a valid phone number: no such number exists in region US'],
      [4, 'Score', 'Score: (NUMBER) expects a number, got the string "lots"'],
      [5, 'Joined', 'Joined: (DATETIME) expects an ISO 8601 date (2026-01-31) or date-time with offset (2026-01-31T09:30:00Z), got "31/01/2026"'],
      [6, 'Joined', 'Joined: (DATETIME) expects an ISO 8601 date (2026-01-31) or date-time with offset (2026-01-31T09:30:00Z), got "2026-01-31T09:30:00"'],
      [8, null, 'has 9 fields; the header has 8'],
    ]);

    const ana = (await client.request(ProfileByEmailDocument, { email: 'ana@example.com' })).data!.profileByEmail!;
    expect({ first: ana.firstName, last: ana.lastName, phones: ana.phones, custom: ana.custom, status: ana.channels.email?.status })
      .toEqual({ first: 'Ana', last: 'O\'Brien, "Jr."', phones: ['+14155550101'], custom: { tier: 'gold', score: 12.5, joined: '2026-01-31T09:30:00.000Z' }, status: 'KNOWN' });
    const ivy = (await client.request(ProfileByEmailDocument, { email: 'ivy@example.com' })).data!.profileByEmail!;
    expect({ last: ivy.lastName, custom: ivy.custom }).toEqual({ last: 'Ito', custom: { tier: 'silver', score: 3, joined: '2026-02-01T00:00:00.000Z' } });
    for (const email of ['dee@example.com', 'eve@example.com', 'fay@example.com', 'gus@example.com', 'hal@example.com']) {
      expect((await client.request(ProfileByEmailDocument, { email })).data!.profileByEmail).toBeNull();
    }
    expect(await dbCount('select count(*) as n from consent_change where namespace_id = ? and source = ?', [namespaceId, 'IMPORT'])).toBe(4);

    const errors = await download(base(), job.errorsUrl, { key: client.key });
    expect(errors.status).toBe(200);
    expect(errors.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(errors.text).toBe([
      'Email,Phone,First Name,Family,Loyalty,Score,Joined,Notes,error',
      'not-an-email,,Carl,,,,,,"Email: ""not-an-email"" is not a valid email address: it has no ""@""; send an address such as ana@example.com"',
      'dee@example.com,555-BAD,Dee,,,,,,"Phone: ""555-BAD"" is not a valid phone number: no such number exists in region US"',
      'eve@example.com,,Eve,,,lots,,,"Score: (NUMBER) expects a number, got the string ""lots"""',
      'fay@example.com,,Fay,,,,31/01/2026,,"Joined: (DATETIME) expects an ISO 8601 date (2026-01-31) or date-time with offset (2026-01-31T09:30:00Z), got ""31/01/2026"""',
      'gus@example.com,,Gus,,,,2026-01-31T09:30:00,,"Joined: (DATETIME) expects an ISO 8601 date (2026-01-31) or date-time with offset (2026-01-31T09:30:00Z), got ""2026-01-31T09:30:00"""',
      'hal@example.com,,Hal,,,,,,one field too many,has 9 fields; the header has 8',
      '',
    ].join('\n'));

    // The same file again changes nothing: no new profiles, no new consent history.
    const profilesBefore = await dbCount('select count(*) as n from profile where namespace_id = ?', [namespaceId]);
    const again = await runImport(client, 'customers', MESSY, { mapping: { family: 'last_name', LOYALTY: 'custom.tier' } });
    expect(countsOf(again)).toEqual({ read: 10, created: 0, updated: 0, unchanged: 4, rejected: 6 });
    expect(await dbCount('select count(*) as n from profile where namespace_id = ?', [namespaceId])).toBe(profilesBefore);
    expect(await dbCount('select count(*) as n from consent_change where namespace_id = ?', [namespaceId])).toBe(4);
  });

  test('a dry run reports what would happen and writes nothing', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    await defineFields(client);
    const job = await runImport(client, 'customers', MESSY, { mapping: { family: 'last_name', LOYALTY: 'custom.tier' }, dryRun: true });
    expect(job.status).toBe('SUCCEEDED');
    expect(job.dryRun).toBe(true);
    // Row 7 repeats row 1 in a later batch: the dry run remembers row 1 would create Ana, and counts row 7 as an update.
    expect(countsOf(job)).toEqual({ read: 10, created: 3, updated: 1, unchanged: 0, rejected: 6 });
    expect(await dbCount('select count(*) as n from profile where namespace_id = ?', [namespaceId])).toBe(0);
    expect(await dbCount('select count(*) as n from consent_change where namespace_id = ?', [namespaceId])).toBe(0);
  });

  test('a missing required column fails at once, listing the headers found', async () => {
    const { client } = await newNamespace(getApp().url);
    const job = await runImport(client, 'customers', 'Name;Notes\nAna;x\n', { delimiter: ';' });
    expect(job.status).toBe('FAILED');
    expect(job.error).toBe('the file has no column for one of email, phone; headers found: "Name", "Notes"');
    expect(countsOf(job)).toEqual({ read: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 });
  });

  test('a semicolon file with an explicit mapping; updates are told from unchanged rows', async () => {
    const { client } = await newNamespace(getApp().url);
    await runImport(client, 'customers', 'E-Mail;Vorname\nana@example.com;Ana\nben@example.com;Ben\n', { delimiter: ';', mapping: { vorname: 'first_name' } });
    const job = await runImport(client, 'customers', 'E-Mail;Vorname\nana@example.com;Anna\nben@example.com;Ben\ncid@example.com;Cid\n', { delimiter: ';', mapping: { vorname: 'first_name' } });
    expect(countsOf(job)).toEqual({ read: 3, created: 1, updated: 1, unchanged: 1, rejected: 0 });
    expect((await client.request(ProfileByEmailDocument, { email: 'ana@example.com' })).data!.profileByEmail!.firstName).toBe('Anna');
  });

  test('an email list adds emails as KNOWN and changes nothing else', async () => {
    const { client } = await newNamespace(getApp().url);
    await runImport(client, 'customers', 'email,first_name\nana@example.com,Ana\n');
    const job = await runImport(client, 'email_list', 'Email,First_Name\nana@example.com,Changed\nnew@example.com,New\n');
    expect(job.unknownColumns).toEqual(['First_Name']);
    expect(countsOf(job)).toEqual({ read: 2, created: 1, updated: 0, unchanged: 1, rejected: 0 });
    expect((await client.request(ProfileByEmailDocument, { email: 'ana@example.com' })).data!.profileByEmail!.firstName).toBe('Ana');
    const added = (await client.request(ProfileByEmailDocument, { email: 'new@example.com' })).data!.profileByEmail!;
    expect({ first: added.firstName, status: added.channels.email?.status }).toEqual({ first: null, status: 'KNOWN' });
  });

  test('opt-in and unsubscribe files move statuses through the state machines, never back to KNOWN', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    const optins = await runImport(client, 'email_optins', 'email,phone\nana@example.com,+14155550101\nben@example.com,\n,+14155550102\n');
    expect(countsOf(optins)).toEqual({ read: 3, created: 3, updated: 0, unchanged: 0, rejected: 0 });
    const ana = async () => (await client.request(ProfileByEmailDocument, { email: 'ana@example.com' })).data!.profileByEmail!;
    expect([(await ana()).channels.email?.status, (await ana()).channels.sms.map((s) => [s.phone, s.status, s.optInMethod])])
      .toEqual(['SUBSCRIBED', [['+14155550101', 'SUBSCRIBED', 'SINGLE']]]);

    const unsub = await runImport(client, 'unsubscribes', 'email,phone\nana@example.com,+14155550101\nnew@example.com,\n');
    expect(countsOf(unsub)).toEqual({ read: 2, created: 1, updated: 1, unchanged: 0, rejected: 0 });
    expect([(await ana()).channels.email?.status, (await ana()).channels.sms.map((s) => s.status)]).toEqual(['UNSUBSCRIBED', ['UNSUBSCRIBED']]);
    const added = (await client.request(ProfileByEmailDocument, { email: 'new@example.com' })).data!.profileByEmail!;
    expect(added.channels.email?.status).toBe('UNSUBSCRIBED');

    // An email list never puts anyone back to KNOWN; importing the unsubscribes again records nothing new.
    const history = await dbCount('select count(*) as n from consent_change where namespace_id = ?', [namespaceId]);
    expect(countsOf(await runImport(client, 'email_list', 'email\nana@example.com\n'))).toEqual({ read: 1, created: 0, updated: 0, unchanged: 1, rejected: 0 });
    expect(countsOf(await runImport(client, 'unsubscribes', 'email,phone\nana@example.com,+14155550101\nnew@example.com,\n'))).toEqual({ read: 2, created: 0, updated: 0, unchanged: 2, rejected: 0 });
    expect((await ana()).channels.email?.status).toBe('UNSUBSCRIBED');
    expect(await dbCount('select count(*) as n from consent_change where namespace_id = ?', [namespaceId])).toBe(history);
    const changes = await getApp().app.db.orm.em.fork().getConnection().execute<{ channel: string; from_status: string | null; to_status: string; source: string }[]>(
      `select c.channel, c.from_status, c.to_status, c.source from consent_change c join profile p on p.namespace_id = c.namespace_id and p.id = c.profile_id
       where c.namespace_id = ? and p.email_normalized = ? order by c.id`, [namespaceId, 'ana@example.com']);
    expect(changes.map((c: { channel: string; from_status: string | null; to_status: string; source: string }) => [c.channel, c.from_status, c.to_status, c.source])).toEqual([
      ['EMAIL', null, 'KNOWN', 'IMPORT'], ['SMS', null, 'KNOWN', 'IMPORT'],
      ['EMAIL', 'KNOWN', 'SUBSCRIBED', 'IMPORT'], ['SMS', 'KNOWN', 'SUBSCRIBED', 'IMPORT'],
      ['EMAIL', 'SUBSCRIBED', 'UNSUBSCRIBED', 'IMPORT'], ['SMS', 'SUBSCRIBED', 'UNSUBSCRIBED', 'IMPORT'],
    ]);
  });

  test('purchases: the order id is the idempotency key, numbers are numbers, bad dates are rejected', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    const file = [
      'email,order_id,created,amount,sku,zip',
      'ana@example.com,A-1,2026-03-01T10:00:00Z,19.99,SKU-1,00123',
      'ana@example.com,A-2,2026-03-02T10:00:00+02:00,5,SKU-2,',
      'ben@example.com,B-1,March 3rd,7,SKU-3,',
      'ana@example.com,A-1,2026-03-01T10:00:00Z,19.99,SKU-1,00123',
    ].join('\n');
    const job = await runImport(client, 'purchases', file);
    expect(countsOf(job)).toEqual({ read: 4, created: 2, updated: 0, unchanged: 1, rejected: 1 });
    expect(job.rejections.map((r) => [r.row, r.column])).toEqual([[3, 'created']]);
    const events = await getApp().app.db.orm.em.fork().getConnection().execute<{ client_event_id: string; type: string; properties: unknown; created: Date }[]>(
      'select client_event_id, type, properties, created from event where namespace_id = ? order by client_event_id', [namespaceId]);
    expect(events.map((e: { client_event_id: string; type: string; properties: unknown; created: Date }) => [e.client_event_id, e.type, e.properties, new Date(e.created).toISOString()])).toEqual([
      ['A-1', 'purchase', { amount: 19.99, sku: 'SKU-1', zip: '00123' }, '2026-03-01T10:00:00.000Z'],
      ['A-2', 'purchase', { amount: 5, sku: 'SKU-2' }, '2026-03-02T08:00:00.000Z'],
    ]);
    expect((await client.request(ProfileByEmailDocument, { email: 'ana@example.com' })).data!.profileByEmail!.reserved.lastPurchaseDate).toBe('2026-03-02T08:00:00.000Z');
    const again = await runImport(client, 'purchases', file);
    expect(countsOf(again)).toEqual({ read: 4, created: 0, updated: 0, unchanged: 3, rejected: 1 });
    expect(await dbCount('select count(*) as n from event where namespace_id = ?', [namespaceId])).toBe(2);
  });

  test('roles: MARKETER and VIEWER read imports but cannot create or cancel them', async () => {
    const { client } = await newNamespace(getApp().url);
    const job = await runImport(client, 'email_list', 'email\nana@example.com\n');
    for (const role of ['MARKETER', 'VIEWER'] as const) {
      const key = (await client.data(CreateApiKeyDocument, { input: { name: role, role } })).createApiKey.secret;
      const reader = client.withKey(key);
      expect((await reader.data(ImportDocument, { id: job.id })).import.status).toBe('SUCCEEDED');
      expect((await reader.data(ImportsDocument, { first: 5 })).imports.nodes.map((n) => n.id)).toEqual([job.id]);
      const refused = await reader.request(CreateImportDocument, { kind: 'customers' });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await reader.request(CancelImportDocument, { id: job.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const dataManager = client.withKey((await client.data(CreateApiKeyDocument, { input: { name: 'dm', role: 'DATA_MANAGER' } })).createApiKey.secret);
    expect((await dataManager.data(CreateImportDocument, { kind: 'customers' })).createImport.status).toBe('AWAITING_FILE');
  });

  test('cross-namespace attempts on imports, files and error files all fail as not found', async () => {
    const owner = await newNamespace(getApp().url);
    const other = await newNamespace(getApp().url);
    const done = await runImport(owner.client, 'customers', 'email\nbad\n');
    const waiting = (await owner.client.data(CreateImportDocument, { kind: 'customers' })).createImport;
    expect((await other.client.request(ImportDocument, { id: done.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await other.client.request(CancelImportDocument, { id: waiting.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await other.client.data(ImportsDocument, { first: 10 })).imports.nodes).toEqual([]);
    const upload = await uploadFile(base(), waiting.id, 'email\nspy@example.com\n', other.client.key);
    expect(upload.status).toBe(404);
    expect((await download(base(), `/imports/${done.id}/errors.csv`, { key: other.client.key })).status).toBe(404);
    expect((await download(base(), `/imports/${done.id}/errors.csv`)).status).toBe(401);
    // A malformed percent escape in the ID is a bad ID (400 with the reason), not a 500.
    const malformed = await download(base(), '/imports/1%zz/errors.csv', { key: owner.client.key });
    expect([malformed.status, JSON.parse(malformed.text).errors[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
    expect((await owner.client.data(ImportDocument, { id: waiting.id })).import.status).toBe('AWAITING_FILE');
    expect((await owner.client.data(CancelImportDocument, { id: waiting.id })).cancelImport.status).toBe('CANCELLED');
  });

  test('bad requests: an unknown kind, a bad mapping, a second upload, a file over the limit', async () => {
    const { client } = await newNamespace(getApp().url);
    expect((await client.request(CreateImportDocument, { kind: 'contacts' })).errors?.[0]?.message)
      .toBe('kind: "contacts" is not a kind of import; use one of customers, email_list, purchases, email_optins, unsubscribes, forget');
    expect((await client.request(CreateImportDocument, { kind: 'customers', mapping: { Tier: 'custom.tier', Mail: 'mail' } })).errors?.[0]?.message)
      .toBe('mapping: "Tier": "tier" is not a custom field of this namespace; define it first; mapping: "Mail": "mail" is not a field of this kind of import; use one of email, phone, first_name, last_name, birthday_day, birthday_month, custom.<key>, or null to ignore the column');
    const job = await runImport(client, 'email_list', 'email\nana@example.com\n');
    expect((await uploadFile(base(), job.id, 'email\nb@example.com\n', client.key)).status).toBe(409);
    const big = (await client.data(CreateImportDocument, { kind: 'email_list' })).createImport;
    const tooLarge = await uploadFile(base(), big.id, `email\n${'x@example.com\n'.repeat(200)}`, client.key);
    expect(tooLarge.status).toBe(413);
    expect((await client.data(ImportDocument, { id: big.id })).import.status).toBe('AWAITING_FILE');
  });
}, { imports: { dir: importDir, maxBytes: 2048, batchRows: 3 } });
