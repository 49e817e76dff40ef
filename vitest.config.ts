import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// `npm test`: hermetic, reads only the project's own files. The tests that read ../shared/datasets/
// live in test/data/ and run with `npm run test:data` (vitest.data.config.ts).
export default defineConfig({
  test: {
    // Builds dist/ first when a source file is newer (the CLI tests run the built bin).
    globalSetup: ['test/setup/build.ts'],
    include: ['test/**/*.test.ts'],
    exclude: ['test/data/**', '**/node_modules/**'],
    testTimeout: 30_000,
    // Most files spawn the built CLI and wait on it: vitest's default of one worker per core less one
    // leaves one of two cores idle, so use at least two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // In-process tests build AWS SDK clients, which warn on Node 20; the CLI opts out itself (test/cli/stderr.test.ts).
    env: { NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
