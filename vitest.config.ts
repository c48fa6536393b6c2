import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/helpers/temp-leftovers.ts'],
    // A test that needs a missing system part is skipped as "not run: …"; the second reporter lists them at the end.
    reporters: ['default', './test/helpers/not-run-reporter.ts'],
  },
})
