import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Keep the figures a test measured (payloads tried, files fuzzed, memory growth, …) in
 * test-artifacts/figures/<name>.json, so SECURITY.md can quote the last run.
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const folder = fileURLToPath(new URL('../../test-artifacts/figures', import.meta.url))
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, `${name}.json`), `${JSON.stringify({ ...figures, measuredAt: new Date().toISOString() }, null, 2)}\n`)
}
