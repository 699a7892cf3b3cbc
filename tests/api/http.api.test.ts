import { describeEachApp } from '../support/app';

describeEachApp('HTTP surface', (getApp) => {
  const base = () => getApp().app.url;

  test('GraphiQL is served from local assets at /graphiql and to a browser GET on /graphql', async () => {
    for (const path of ['/graphiql', '/graphql']) {
      const page = await fetch(`${base()}${path}`, { headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      expect(html).toContain('id="ag-api-key"');
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(sources.every((s) => s.startsWith('/graphiql/assets/'))).toBe(true);
      for (const source of sources) {
        const asset = await fetch(`${base()}${source}`);
        expect(asset.status).toBe(200);
        // Read the body: an unread one leaves fetch's socket paused and open after the server closes (the worker then cannot exit).
        await asset.arrayBuffer();
      }
    }
  });

  test('health, unknown paths, bad bodies and methods get clear answers', async () => {
    expect(await (await fetch(`${base()}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base()}/nope`)).status).toBe(404);
    const badJson = await fetch(`${base()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    const put = await fetch(`${base()}/graphql`, { method: 'PUT' });
    expect(put.status).toBe(405);
    const syntax = await fetch(`${base()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ profiles(first: 1) { nodes { id } }' }) });
    expect(syntax.status).toBe(400);
    expect(((await syntax.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  test('introspection works without a key, so GraphiQL can show the docs', async () => {
    const response = await fetch(`${base()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __type(name: "Profile") { description fields { name description } } }' }),
    });
    const json = (await response.json()) as { data: { __type: { description: string; fields: { name: string; description: string | null }[] } } };
    expect(json.data.__type.description).toMatch(/customer profile/i);
    const undocumented = json.data.__type.fields.filter((f) => !f.description && f.name !== 'id');
    expect(undocumented.map((f) => f.name)).toEqual([]);
  });
});
