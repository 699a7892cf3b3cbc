// Lint: TypeScript rules plus the import direction of the pipeline
//   http -> graphql -> services -> jobs -> domain + db;  audience is a pure library.
// A wrong-way import fails CI instead of waiting for review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

const layers = ['domain', 'audience', 'db', 'jobs', 'services', 'graphql', 'http'];
const zone = (target, forbidden, why) => ({
  target: `./src/${target}`,
  from: forbidden.map((f) => (f.endsWith('.ts') ? `./src/${f}` : `./src/${f}`)),
  message: why,
});
const roots = ['app.ts', 'main.ts', 'config.ts'];

export default tseslint.config(
  { ignores: ['dist/**', '.test-build/**', 'node_modules/**', 'tests/generated/**', 'coverage/**', 'src/http/static/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { typescript: { project: './tsconfig.json' }, node: true } },
    rules: {
      'import/no-cycle': 'error',
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('domain', [...layers.filter((l) => l !== 'domain'), ...roots], 'domain is pure: it imports no other layer'),
            zone('audience', [...layers.filter((l) => l !== 'audience'), ...roots], 'audience is a pure library: it sees fields only through FieldCatalog'),
            zone('db', ['jobs', 'services', 'graphql', 'http', 'audience', ...roots], 'db sits below services'),
            zone('jobs', ['services', 'graphql', 'http', 'audience', ...roots], 'the job runner sits below services: services register handlers and enqueue jobs'),
            zone('services', ['graphql', 'http', ...roots], 'services know nothing of GraphQL or HTTP'),
            zone('graphql', ['db', 'jobs', 'http', ...roots], 'resolvers call services; they never touch the database'),
            zone('observability', [...layers, ...roots], 'observability is a leaf: logs and metrics import nothing of the project'),
            zone('text', [...layers, 'observability', ...roots], 'text is a leaf: string functions that domain, audience and db share import nothing of the project'),
            zone('http', ['db', 'jobs', 'services', 'domain', 'audience', ...roots], 'http only serves the GraphQL layer'),
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Only src/main.ts reads process.env; take configuration from AppConfig.' },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts', 'src/audience/**/*.ts', 'src/text/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@mikro-orm/*', 'type-graphql', 'graphql', '@apollo/*', 'pg', '@electric-sql/*', 'dataloader'], message: 'domain and audience are pure: no ORM, GraphQL or database imports.' }] }],
    },
  },
  {
    files: ['src/main.ts', 'tests/**/*.ts', 'bench/**/*.ts', 'eslint.config.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', window: 'readonly', document: 'readonly', fetch: 'readonly', React: 'readonly', ReactDOM: 'readonly', GraphiQL: 'readonly' } },
  },
  {
    files: ['migrations/**/*.ts'],
    rules: { '@typescript-eslint/naming-convention': 'off', camelcase: 'off' },
  },
);
