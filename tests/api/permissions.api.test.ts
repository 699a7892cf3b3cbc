import { PERMISSIONS, ROLES, type Permission, type Role } from '../../src/domain/permissions';
import {
  ApiKeysDocument, CreateApiKeyDocument, DefineCustomFieldDocument, ForgetProfileDocument, ProfilePageDocument, SetEmailStatusDocument,
  TrackEventsDocument, UpsertProfileDocument, ViewerDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient, type GraphQLResult } from '../support/client';

/** One representative operation per permission, run with a key of every role. */
const OPERATIONS: Record<Permission, (c: GraphQLClient, n: number) => Promise<GraphQLResult<unknown>>> = {
  read: (c) => c.request(ProfilePageDocument, { first: 1 }),
  'segments:write': (c) => c.request(ViewerDocument),
  'profiles:write': (c, n) => c.request(UpsertProfileDocument, { input: { email: `w${n}@example.com` } }),
  'customFields:write': (c, n) => c.request(DefineCustomFieldDocument, { input: { key: `f${n}`, type: 'STRING' } }),
  'imports:run': (c, n) => c.request(TrackEventsDocument, { events: [{ type: 'purchase', created: '2026-01-01T00:00:00Z', email: `i${n}@example.com` }] }),
  'apiKeys:manage': (c) => c.request(ApiKeysDocument),
  'segments:explain': (c) => c.request(ViewerDocument),
  'exports:run': (c) => c.request(ViewerDocument),
  'profiles:forget': (c, n) => c.request(ForgetProfileDocument, { input: { email: `forget${n}@example.com` } }),
};

/** Permissions whose operations are not built yet run something every role may do. */
const EVERYONE: readonly Permission[] = ['segments:write', 'segments:explain', 'exports:run'];

describeEachApp('permission matrix over HTTP', (getApp) => {
  test.each(ROLES)('%s gets exactly the permissions of the matrix', async (role: Role) => {
    const { client: admin } = await newNamespace(getApp().url);
    const { createApiKey } = await admin.data(CreateApiKeyDocument, { input: { name: `${role} key`, role } });
    const client = admin.withKey(createApiKey.secret);
    let n = 0;
    for (const [permission, run] of Object.entries(OPERATIONS) as [Permission, (c: GraphQLClient, n: number) => Promise<GraphQLResult<unknown>>][]) {
      const result = await run(client, n++);
      const allowed = EVERYONE.includes(permission) || (PERMISSIONS[permission] as readonly Role[]).includes(role);
      if (permission === 'imports:run') {
        // trackEvents is a profile write
        const writes = (PERMISSIONS['profiles:write'] as readonly Role[]).includes(role);
        expect([permission, result.errors?.[0]?.extensions?.code ?? 'OK']).toEqual([permission, writes ? 'OK' : 'FORBIDDEN']);
        continue;
      }
      expect([permission, result.errors?.[0]?.extensions?.code ?? 'OK']).toEqual([permission, allowed ? 'OK' : 'FORBIDDEN']);
    }
  });

  test('no key, a wrong key and a revoked key are UNAUTHENTICATED', async () => {
    const { client } = await newNamespace(getApp().url);
    const anonymous = client.withKey(undefined);
    expect((await anonymous.request(ProfilePageDocument, { first: 1 })).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect((await client.withKey('agk_not-a-real-key').request(ProfilePageDocument, { first: 1 })).errors![0]).toMatchObject({
      message: 'The API key is not valid: it is unknown or revoked.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const { createApiKey } = await client.data(CreateApiKeyDocument, { input: { name: 'temporary', role: 'VIEWER' } });
    const viewer = client.withKey(createApiKey.secret);
    expect((await viewer.data(ViewerDocument)).viewer).toMatchObject({ role: 'VIEWER', apiKeyName: 'temporary' });
    const { RevokeApiKeyDocument } = await import('../generated/graphql');
    await client.data(RevokeApiKeyDocument, { id: createApiKey.apiKey.id });
    expect((await viewer.request(ViewerDocument)).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  test('a FORBIDDEN error says which roles may do it', async () => {
    const { client: admin } = await newNamespace(getApp().url);
    const { createApiKey } = await admin.data(CreateApiKeyDocument, { input: { name: 'm', role: 'MARKETER' } });
    const result = await admin.withKey(createApiKey.secret).request(SetEmailStatusDocument, { input: { email: 'x@example.com', status: 'SUBSCRIBED' } });
    expect(result.errors![0]).toMatchObject({
      message: 'The MARKETER role may not change email eligibility; it needs one of: DATA_MANAGER, CLIENT_ADMIN.',
      extensions: { code: 'FORBIDDEN', requiredRoles: ['DATA_MANAGER', 'CLIENT_ADMIN'] },
    });
  });

  test('the admin token creates namespaces; a namespace API key is FORBIDDEN, no key or a wrong one UNAUTHENTICATED', async () => {
    const { client } = await newNamespace(getApp().url);
    const { CreateNamespaceDocument } = await import('../generated/graphql');
    const denied = await client.request(CreateNamespaceDocument, { input: { slug: 'nope-ns', name: 'Nope' } });
    expect(denied.errors![0]).toMatchObject({
      message: 'A namespace API key may not do this. This operation needs the platform admin token: send "Authorization: Bearer <ADMIN_TOKEN>".',
      extensions: { code: 'FORBIDDEN' },
    });
    expect((await client.withKey(undefined).request(CreateNamespaceDocument, { input: { slug: 'nope-ns', name: 'Nope' } })).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect((await client.withKey('ag_wrong').request(CreateNamespaceDocument, { input: { slug: 'nope-ns', name: 'Nope' } })).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });
});
