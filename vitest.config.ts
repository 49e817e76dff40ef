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
    // In-process tests build AWS SDK clients, which warn on Node 20; the CLI opts out itself (test/cli/stderr.test.ts).
    env: { NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
