// `npm run bench [-- --only gemm,… --json --vs-torch]`: measures the engine's workloads, optionally beside PyTorch.
import { parseArgs } from 'node:util'
import { compare, comparisonTable, machine, resultsTable, type Comparison } from './report'
import { runTorch, torchUnavailable } from './torch'
import type { Result, Workload } from './workload'
import { workloads } from './workloads'

/** PyTorch runs pinned to each of these thread counts. */
const TORCH_THREADS = [1, 2]

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    'vs-torch': { type: 'boolean', default: false },
  },
})

function select(only: string | undefined): readonly Workload[] {
  if (!only) return workloads
  const names = only.split(',').map((name) => name.trim()).filter(Boolean)
  const unknown = names.filter((name) => !workloads.some((w) => w.name === name))
  if (unknown.length > 0) {
    throw new Error(`unknown workload ${unknown.join(', ')}; choose from ${workloads.map((w) => w.name).join(', ')}`)
  }
  return workloads.filter((w) => names.includes(w.name))
}

const emit = (lines: readonly (Result | Comparison | { note: string })[]): void => {
  for (const line of lines) console.log(JSON.stringify(line))
}
const say = (text: string): void => {
  if (values.json) emit([{ note: text }])
  else console.log(text)
}

async function main(): Promise<void> {
  const selected = select(values.only)
  if (!values.json) console.log(`${machine()}\n`)
  const ours: Result[] = []
  for (const workload of selected) {
    if (!values.json) console.log(`${workload.title}`)
    const results = await workload.run()
    ours.push(...results)
    if (values.json) emit(results)
    else console.log(`${resultsTable(results)}\n`)
  }
  if (!values['vs-torch']) return

  const missing = torchUnavailable()
  if (missing) return say(`PyTorch comparison skipped: ${missing}`)
  const torch: Result[] = []
  for (const workload of selected) {
    const request = workload.torch?.()
    if (!request) {
      say(`PyTorch comparison: ${workload.name} has no PyTorch counterpart yet`)
      continue
    }
    for (const threads of TORCH_THREADS) torch.push(...runTorch(request, threads))
  }
  const comparisons = compare(ours.filter((r) => r.engine === 'ours'), torch)
  if (values.json) return emit([...torch, ...comparisons])
  console.log(`PyTorch ${TORCH_THREADS.join(' and ')} threads (same run)\n${resultsTable(torch)}\n`)
  console.log(`Time ratio ours/PyTorch, below 1 when ours is faster (ours on as many threads, in parentheses)\n${comparisonTable(comparisons)}`)
}

await main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
