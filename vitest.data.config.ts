// `npm run test:data`: the tests that read the real public data in ../shared/datasets/ (test/data/).
import { defineConfig } from 'vitest/config';
import { missingDatasets } from './test/data/require-datasets.mjs';

const problem = missingDatasets();
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}

export default defineConfig({
  test: {
    // Builds dist/ first when a source file is newer (the CLI tests run the built bin).
    globalSetup: ['test/setup/build.ts'],
    include: ['test/data/**/*.test.ts'],
    testTimeout: 60_000,
    // In-process tests build AWS SDK clients, which warn on Node 20; the CLI opts out itself (test/cli/stderr.test.ts).
    env: { NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
