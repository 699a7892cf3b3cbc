import {
  CreateApiKeyDocument, CreateImportDocument, ForgetRequestsDocument, ProfileByEmailDocument, UpsertProfilesDocument, UpsertProfilesOutcomeDocument,
} from '../generated/graphql';
import { countsOf, uploadFile, waitForImport } from '../imports/support';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

describeEachApp('bulk forget: the forget import kind', (getApp) => {
  test('each row is a deletion request applied as forgetProfile does: audited (source IMPORT), suppressed, set-based, in order', async () => {
    const { client } = await newNamespace(getApp().url);
    const base = getApp().app.url;
    await client.data(UpsertProfilesDocument, {
      inputs: [
        { email: 'ana@example.com', phones: ['+14155550101'], firstName: 'Ana' },
        { email: 'ben@example.com', firstName: 'Ben' },
        { email: 'cy@example.com', firstName: 'Cy' },
      ],
    });

    // Only CLIENT_ADMIN forgets, in bulk as alone.
    const { createApiKey } = await client.data(CreateApiKeyDocument, { input: { name: 'loader', role: 'DATA_MANAGER' } });
    const denied = await client.withKey(createApiKey.secret).request(CreateImportDocument, { kind: 'forget' });
    expect(denied.errors![0]).toMatchObject({ message: 'The DATA_MANAGER role may not start forget imports; it needs one of: CLIENT_ADMIN.', extensions: { code: 'FORBIDDEN' } });

    const file = 'email,phone\nana@example.com,\n,+1 415 555 0101\nben@example.com,+14155559999\nnot-an-email,\nzed@example.com,\n';
    const dry = (await client.data(CreateImportDocument, { kind: 'forget', options: { dryRun: true } })).createImport;
    expect((await uploadFile(base, dry.id, file, client.key)).status).toBe(200);
    expect(countsOf(await waitForImport(client, dry.id))).toEqual({ read: 5, created: 0, updated: 2, unchanged: 2, rejected: 1 });
    expect((await client.request(ProfileByEmailDocument, { email: 'ana@example.com' })).data!.profileByEmail).not.toBeNull();
    expect((await client.data(ForgetRequestsDocument, {})).forgetRequests.nodes).toEqual([]);

    const created = (await client.data(CreateImportDocument, { kind: 'forget' })).createImport;
    expect((await uploadFile(base, created.id, file, client.key)).status).toBe(200);
    const done = await waitForImport(client, created.id);
    expect(done.status).toBe('SUCCEEDED');
    // ana forgotten; her phone's row finds nobody now; ben forgotten (his row names an unknown phone too); a bad email; zed held by nobody.
    expect(countsOf(done)).toEqual({ read: 5, created: 0, updated: 2, unchanged: 2, rejected: 1 });

    for (const email of ['ana@example.com', 'ben@example.com']) expect((await client.request(ProfileByEmailDocument, { email })).data!.profileByEmail).toBeNull();
    expect((await client.request(ProfileByEmailDocument, { email: 'cy@example.com' })).data!.profileByEmail).not.toBeNull();

    // One audit record per request (ben's row is two), oldest last; no personal data in any.
    const audit = (await client.data(ForgetRequestsDocument, { first: 20 })).forgetRequests.nodes;
    expect(audit.map((a) => [a.namedBy, a.source, a.found, a.removed.profiles, a.identifiers.length, a.identifiers.map((i) => i.alreadySuppressed)]).sort()).toEqual([
      ['EMAIL', 'IMPORT', false, 0, 1, [false]], // zed
      ['EMAIL', 'IMPORT', true, 1, 1, [false]], // ben: his email
      ['EMAIL', 'IMPORT', true, 1, 2, [false, false]], // ana: her email and phone
      ['PHONE', 'IMPORT', false, 0, 1, [false]], // ben's row: the unknown phone
      ['PHONE', 'IMPORT', false, 0, 1, [true]], // ana's phone, suppressed by the row before
    ].sort());
    expect(JSON.stringify(audit)).not.toMatch(/example\.com|4155550101|Ana|Ben/);
    for (const a of audit) expect(a).toMatchObject({ actorRole: 'CLIENT_ADMIN', actor: done.createdBy });

    // Never identified again, through the API as through a later import.
    const again = (await client.data(UpsertProfilesOutcomeDocument, {
      inputs: [{ email: 'ana@example.com' }, { phones: ['+14155550101'] }, { email: 'zed@example.com' }, { email: 'new@example.com' }],
    })).upsertProfiles;
    expect(again.results.map((r) => r.outcome)).toEqual(['SUPPRESSED', 'SUPPRESSED', 'SUPPRESSED', 'CREATED']);
  });
});
