import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root';

/**
 * GraphiQL served from local files: the `graphiql` package's prebuilt bundle, React 18's UMD builds
 * and a small page script of ours. No CDN, so it works offline.
 */
export interface StaticAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

const ROOT = packageRoot();

const ASSET_FILES: Readonly<Record<string, { path: string; type: string }>> = {
  'react.production.min.js': { path: 'node_modules/react/umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { path: 'node_modules/react-dom/umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.min.js': { path: 'node_modules/graphiql/dist/index.umd.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.min.css': { path: 'node_modules/graphiql/dist/style.css', type: 'text/css; charset=utf-8' },
  'app.js': { path: 'src/http/static/graphiql-app.js', type: 'text/javascript; charset=utf-8' },
  'app.css': { path: 'src/http/static/graphiql-app.css', type: 'text/css; charset=utf-8' },
  'favicon.svg': { path: 'src/http/static/favicon.svg', type: 'image/svg+xml' },
};

/** Loads the assets once at start-up; a missing file fails the start, not a page view. */
export function loadGraphiqlAssets(): ReadonlyMap<string, StaticAsset> {
  return new Map(Object.entries(ASSET_FILES).map(([name, file]) => [name, { contentType: file.type, body: readFileSync(join(ROOT, file.path)) }]));
}

export const GRAPHIQL_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>audience-graph · GraphiQL</title>
  <link rel="icon" href="/graphiql/assets/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
  <link rel="stylesheet" href="/graphiql/assets/app.css">
</head>
<body>
  <header class="ag-bar">
    <strong>audience-graph</strong>
    <label for="ag-api-key">API key</label>
    <input id="ag-api-key" type="password" autocomplete="off" spellcheck="false" placeholder="agk_… (sent as Authorization: Bearer)">
    <span id="ag-key-state" class="ag-state"></span>
  </header>
  <main id="graphiql">Loading GraphiQL…</main>
  <script src="/graphiql/assets/react.production.min.js"></script>
  <script src="/graphiql/assets/react-dom.production.min.js"></script>
  <script src="/graphiql/assets/graphiql.min.js"></script>
  <script src="/graphiql/assets/app.js"></script>
</body>
</html>
`;
