// Runs electronegativity on a folder with no network: its two downloads (translations, the list
// of Electron releases) are stubbed to fail at once. Writes the SARIF report to the given file and
// prints the findings, with the severity SARIF leaves out, as JSON.
// Usage: node electronegativity-offline.cjs <input folder> <report.sarif> <electron version>
const Module = require('node:module')
const load = Module._load
Module._load = function (request, ...rest) {
  if (request === 'got') return () => Promise.reject(new Error('offline'))
  return load.call(this, request, ...rest)
}
const run = require('@doyensec/electronegativity')
const [input, output, electronVersion] = process.argv.slice(2)
const log = console.log
console.log = () => undefined // its notes about the stubbed downloads
run({ input, output, isSarif: true, isRelative: true, electronVersionOverride: electronVersion, excludeFromScan: ['AvailableSecurityFixesGlobalCheck'], customScan: [], parserPlugins: [] }, false).then(
  (result) => {
    const findings = result.issues.map((issue) => ({
      id: issue.id,
      file: issue.file,
      line: issue.location.line,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      manualReview: issue.manualReview,
    }))
    log(JSON.stringify({ checks: result.globalChecks + result.atomicChecks, errors: result.errors.length, findings }))
  },
  (error) => {
    process.stderr.write(`${error.stack}\n`)
    process.exit(1)
  },
)
