/**
 * The house's rule (README "Layout"), checked by `npm run lint:deps` in `npm test`:
 * cli → app → adapters (artifacts, io, engines, providers, config) → pure domain → base.
 * Known violations still being moved live in .dependency-cruiser-known-violations.json
 * (`npm run lint:deps:baseline` rewrites it); a new one fails the build.
 */
const DOMAIN = '^src/(ingest|pricing|classify|eval|calibrate|gate|costs|report|analyze|stats|drift)/';
const IO_MODULES = '^(node:)?(fs|fs/promises|os|readline|child_process|worker_threads|net|http|https|cluster)$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: split the shared part into its own module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-no-io',
      severity: 'error',
      comment: 'Domain code is pure: file, process and network I/O belong in src/app, src/io, src/artifacts, src/engines or src/providers.',
      from: { path: DOMAIN },
      to: { dependencyTypes: ['core'], path: IO_MODULES },
    },
    {
      name: 'domain-no-outer-layers',
      severity: 'error',
      comment: 'Domain code takes typed values: it never calls the CLI, the application layer, config loading, I/O helpers, engines or providers.',
      from: { path: DOMAIN },
      to: { path: '^src/(cli|app|io|engines|providers)/|^src/config/load[.]ts$' },
    },
    {
      name: 'domain-types-only-from-artifacts',
      severity: 'error',
      comment: 'Domain code may name an artifact type (import type) but never reads or writes one.',
      from: { path: DOMAIN },
      to: { path: '^src/artifacts/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'app-no-cli',
      severity: 'error',
      comment: 'The application layer is callable from tests and other front ends: it never imports the CLI.',
      from: { path: '^src/(app|artifacts|io|engines|providers|config)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'adapters-no-app',
      severity: 'error',
      comment: 'Adapters serve the application layer; they do not call it.',
      from: { path: '^src/(artifacts|io|engines|providers|config)/' },
      to: { path: '^src/app/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/pricing/catalogs/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    moduleSystems: ['es6'],
  },
};
