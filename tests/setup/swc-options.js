/**
 * The one SWC configuration for the tests: jest transforms test and source files with it, and the
 * global setup builds the entry that tests run as real processes with it (`process-build.ts`).
 * It follows tsconfig.json: legacy decorators with their metadata (type-graphql, MikroORM), no
 * define semantics for class fields, ES2022, CommonJS.
 */
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
