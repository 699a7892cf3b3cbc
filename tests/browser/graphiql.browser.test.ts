import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { UpsertProfileDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../support/app';
import { newNamespace } from '../support/client';

/**
 * GraphiQL in a real browser: Debian's Chromium driven by playwright-core. When no browser is
 * installed (`apt-get install -y chromium`), the test is skipped and says so.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  console.warn(`GraphiQL browser test skipped: no Chromium at ${CHROMIUM} (install it with "apt-get install -y chromium").`);
}

(hasBrowser ? describe : describe.skip)(`GraphiQL in headless Chromium${hasBrowser ? '' : ` (skipped: no Chromium at ${CHROMIUM}; apt-get install -y chromium)`}`, () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp({ name: 'pglite' });
    // playwright-core gives every launch a fresh, empty profile directory.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('loads offline, takes an API key and runs a query', async () => {
    const { client, slug } = await newNamespace(app.url);
    await client.data(UpsertProfileDocument, { input: { email: 'graphiql@example.com', firstName: 'Browser' } });

    const page = await browser.newPage();
    const problems: string[] = [];
    const outside: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(app.app.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) outside.push(r.url());
    });

    await page.goto(`${app.app.url}/graphiql`);
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
    await page.fill('#ag-api-key', 'agk_not-a-real-key-000000000000');
    await page.locator('#ag-key-state', { hasText: 'key rejected' }).waitFor({ timeout: 20_000 });
    expect(await page.innerText('#ag-key-state')).toBe('key rejected: The API key is not valid: it is unknown or revoked.');
    await page.fill('#ag-api-key', client.key!);
    await page.locator('#ag-key-state', { hasText: 'key works' }).waitFor({ timeout: 20_000 });
    expect(await page.innerText('#ag-key-state')).toBe(`key works: CLIENT_ADMIN in ${slug}`);

    const query = '{ profileByEmail(email: "graphiql@example.com") { firstName email } }';
    const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
    await editor.click();
    await page.evaluate((text) => {
      type CodeMirrorElement = { CodeMirror: { setValue(v: string): void } };
      const doc = (globalThis as unknown as { document: { querySelector(s: string): CodeMirrorElement } }).document;
      const cm = doc.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
      cm.setValue(text);
    }, query);
    await page.click('.graphiql-execute-button');
    const result = page.locator('.graphiql-response .CodeMirror-code');
    await result.filter({ hasText: 'Browser' }).waitFor({ timeout: 20_000 });
    const text = (await result.innerText()).replace(/\s+/g, '');
    expect(text).toContain('"firstName":"Browser"');
    expect(text).toContain('"email":"graphiql@example.com"');
    expect(problems).toEqual([]);
    expect(outside).toEqual([]);
  });

  test('the Headers tab is sent: {"Authorization": "Bearer …"} works without the key box', async () => {
    const { client } = await newNamespace(app.url);
    await client.data(UpsertProfileDocument, { input: { email: 'headers@example.com', firstName: 'Headers' } });
    const page = await browser.newPage();
    await page.goto(`${app.app.url}/graphiql`);
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
    await page.fill('#ag-api-key', '');
    await page.click('.graphiql-editor-tools button:has-text("Headers")');
    await page.evaluate(
      ({ query, headers }) => {
        type CodeMirrorElement = { CodeMirror: { setValue(v: string): void } };
        const doc = (globalThis as unknown as { document: { querySelector(s: string): CodeMirrorElement } }).document;
        doc.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(query);
        doc.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror.setValue(headers);
      },
      { query: '{ profileByEmail(email: "headers@example.com") { firstName } }', headers: JSON.stringify({ Authorization: `Bearer ${client.key}` }) },
    );
    await page.click('.graphiql-execute-button');
    const result = page.locator('.graphiql-response .CodeMirror-code');
    await result.filter({ hasText: 'Headers' }).waitFor({ timeout: 20_000 });
    expect((await result.innerText()).replace(/\s+/g, '')).toContain('"firstName":"Headers"');
  });
});
