import type { Reporter, TestModule } from 'vitest/node'

const MARK = ' — not run: '

/**
 * A reporter beside vitest's own: at the end of the run it lists, loudly, every test skipped because
 * a system part is missing (see test/helpers/system-parts.ts), grouped by what is missing, so such a
 * run never reads as a full pass.
 */
export default class NotRunReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const byReason = new Map<string, string[]>()
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        // A skipped block names itself; its tests inherit the words through their full name.
        const at = test.fullName.indexOf(MARK)
        if (at < 0) continue
        const reason = test.fullName.slice(at + MARK.length).split(' > ')[0]
        byReason.set(reason, [...(byReason.get(reason) ?? []), module.moduleId])
      }
    }
    if (byReason.size === 0) return
    const lines = ['', `NOT RUN: ${[...byReason.values()].reduce((n, tests) => n + tests.length, 0)} test(s) could not run on this machine:`]
    for (const [reason, modules] of byReason) {
      const files = [...new Set(modules.map((id) => id.slice(id.lastIndexOf('/test/') + 1)))]
      lines.push(`  - ${modules.length} test(s) in ${files.join(', ')}`, `    not run: ${reason}`)
    }
    process.stdout.write(`\x1b[1;33m${lines.join('\n')}\x1b[0m\n\n`)
  }
}
