import { defineConfig } from 'vitest/config'

const E2E = ['test/e2e/*.test.ts']
/** Left out of the fast suite too (npm test runs them): app builds, Electron, PyTorch processes, Chromium, the heaviest. */
const SLOW = [
  'test/electron/*.test.ts',
  'test/desktop/*.test.ts',
  'test/pytorch/*.test.ts',
  'test/build/*.test.ts',
  'test/security/csp.browser.test.ts',
  'test/security/electronegativity.test.ts',
  // The heaviest files (each minutes of CPU under load): full training runs, thread scaling, child processes, fuzzing.
  'test/onnx/export-conv.test.ts',
  'test/cli/threads.test.ts',
  'test/kernels/sparse.test.ts',
  'test/engine/chapter.test.ts',
  'test/service/worker-faults.test.ts',
  'test/service/quit-during-training.test.ts',
  'test/security/ipc-fuzz.test.ts',
  'test/service/lab/ladder.test.ts',
  'test/service/lab/learned.test.ts',
  'test/cli/own-digits.test.ts',
  'test/service/handwriting-run.test.ts',
  'test/cli/train-handwriting.test.ts',
  // Over 2 s each alone on this 2-core machine (spawn workers, train, sweep kernels): kept out of the fast unit suite.
  'test/cli/train.test.ts',
  'test/datasets/csv-stream.test.ts',
  'test/datasets/importer-fuzz.test.ts',
  'test/datasets/inspect.test.ts',
  'test/engine/conv-batch-norm.test.ts',
  'test/engine/conv.torch.test.ts',
  'test/kernels/conv.test.ts',
  'test/kernels/gemm.test.ts',
  'test/kernels/native.test.ts',
  'test/kernels/normalization.test.ts',
  'test/kernels/optim.test.ts',
  'test/onnx/export.test.ts',
  'test/onnx/project.test.ts',
  'test/service/collect.test.ts',
  'test/service/corrections.test.ts',
  'test/service/data-settings.test.ts',
  'test/service/health.test.ts',
  'test/service/lab/graph.test.ts',
  'test/service/lab/lab-worker.test.ts',
  'test/service/lab/nudge.test.ts',
  'test/service/lab/pixels.test.ts',
  'test/service/memory-estimate.test.ts',
  'test/service/projects.test.ts',
  'test/service/runs.test.ts',
  'test/service/service.test.ts',
  'test/service/training-run.test.ts',
  'test/service/training-threads.test.ts',
  'test/web/socket-faults.test.ts',
  'test/web/upload-leftovers.test.ts',
  'test/web/upload-route.test.ts',
]

// Three projects share this one config: `npm run test:unit` runs `unit`, `npm run test:e2e` runs `e2e`,
// `npm test` (no --project) runs all three.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/helpers/temp-leftovers.ts'],
    // A test that needs a missing system part is skipped as "not run: …"; the second reporter lists them at the end.
    reporters: ['default', './test/helpers/not-run-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...E2E, ...SLOW] } },
      { extends: true, test: { name: 'e2e', include: E2E } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
})
