import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{sdk,functions,dashboard,infra}/test/**/*.test.ts'],
    globalSetup: ['functions/test/support/global-setup.ts', 'test/support/chromium-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
