import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '../src/config';

/**
 * The Dockerfile and compose.yaml are not built in CI; this checks what can be checked without
 * Docker: every file they copy exists, the command is what the build produces, and every
 * variable compose sets is one the service reads.
 */
const ROOT = join(__dirname, '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const compose = readFileSync(join(ROOT, 'compose.yaml'), 'utf8');

test('the build stage copies files that exist, and the image runs the built entry point', () => {
  const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
  expect(copied.length).toBeGreaterThan(3);
  expect(copied.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  expect(build.include).toContain('src');
  expect(existsSync(join(ROOT, 'src/main.ts'))).toBe(true);
  expect(dockerfile).toContain('CMD ["node", "dist/src/main.js", "serve"]');
  expect(existsSync(join(ROOT, 'src/http/static/graphiql-app.js'))).toBe(true);
});

test('compose sets only variables the service reads', () => {
  const api = compose.slice(compose.indexOf('  api:'));
  const environment = api.slice(api.indexOf('environment:'), api.indexOf('ports:'));
  const names = [...environment.matchAll(/^ {6}([A-Z_]+):/gm)].map((m) => m[1]!);
  expect(names).toContain('DATABASE_URL');
  expect(names.filter((n) => !(n in CONFIG_VARIABLES))).toEqual([]);
});
