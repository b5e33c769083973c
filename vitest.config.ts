import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{sdk,functions,dashboard,infra,bench}/test/**/*.test.ts'],
    globalSetup: ['functions/test/support/global-setup.ts', 'test/support/chromium-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The AWS SDK warns that releases after January 2027 need Node 22; the pinned versions run on Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
