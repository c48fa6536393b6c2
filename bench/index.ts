// `npm run bench [-- --only gemm,… --json --kernels native|wasm --step graph|ops --vs-torch [--torch-isa avx2,sse41] --rounds N]`: measures the engine's workloads, optionally beside PyTorch.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { KERNELS_ENV, parseProvider, startingProvider } from '../src/main/engine/kernels'
import { STEP_ENV, describeStepMode, parseStepMode, startingStepMode } from '../src/main/engine/traced/mode'
import { bestOfRounds, compare, comparisonTable, machine, resultsTable, type Comparison } from './report'
import { runTorch, TORCH_ISAS, torchUnavailable } from './torch'
import type { Result, Workload } from './workload'
import { workloads } from './workloads'

/** PyTorch runs pinned to each of these thread counts. */
const TORCH_THREADS = [1, 2]
/** PyTorch held to an older instruction set (`--torch-isa`) runs on this many threads, the acceptance's reference. */
const TORCH_ISA_THREADS = 2
const DEFAULT_ROUNDS = 3

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    'vs-torch': { type: 'boolean', default: false },
    /** With --vs-torch: also PyTorch held to these instruction sets (avx2, sse41), on TORCH_ISA_THREADS threads. */
    'torch-isa': { type: 'string' },
    rounds: { type: 'string' },
    /** Whose kernels ours runs (native, wasm, reference); the engine's default when absent. */
    kernels: { type: 'string' },
    /** How ours runs a training step (graph, ops); the engine's default when absent. */
    step: { type: 'string' },
    /** Internal: run one workload in this process and print its results as JSON lines. */
    child: { type: 'string' },
    /** Internal, with --child: which round it is. */
    round: { type: 'string', default: '0' },
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

// NOTE: every round of a workload runs in a fresh process, as PyTorch's do, so its peak RSS is its own and
// not the largest of the workloads before it.
/** Runs one workload of ours in a child process (node with the same loader flags, so tsx too). */
function runOurs(workload: Workload, round: number): Result[] {
  const script = fileURLToPath(import.meta.url)
  const run = spawnSync(process.execPath, [...process.execArgv, script, '--child', workload.name, '--round', String(round)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
  if (run.status !== 0) throw new Error(`${workload.name} failed: ${run.stderr || run.error?.message}`)
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => ({ ...(JSON.parse(line) as Result), kernels: provider }))
}

function isasOf(list: string | undefined): readonly string[] {
  const isas = (list ?? '').split(',').map((isa) => isa.trim()).filter(Boolean)
  const unknown = isas.filter((isa) => !TORCH_ISAS.includes(isa))
  if (unknown.length > 0) throw new Error(`--torch-isa: unknown ${unknown.join(', ')}; choose from ${TORCH_ISAS.join(', ')}`)
  if (isas.length > 0 && !values['vs-torch']) throw new Error('--torch-isa needs --vs-torch')
  return isas
}

function roundsOf(workload: Workload): number {
  const rounds = values.rounds === undefined ? (workload.rounds ?? DEFAULT_ROUNDS) : Number(values.rounds)
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number ≥ 1, got ${values.rounds}`)
  return rounds
}

/** The provider ours runs on; children read it from the environment, as the app's worker does. */
const provider = values.kernels ? parseProvider(values.kernels, '--kernels') : startingProvider()
process.env[KERNELS_ENV] = provider
/** The step mode ours asks for; each training line says which step actually ran. */
const step = values.step ? parseStepMode(values.step, '--step') : startingStepMode()
process.env[STEP_ENV] = step

async function main(): Promise<void> {
  if (values.child) return emit(await select(values.child)[0].run(Number(values.round)))
  const selected = select(values.only)
  const isas = isasOf(values['torch-isa'])
  const missing = values['vs-torch'] ? torchUnavailable() : null
  if (missing) say(`PyTorch comparison skipped: ${missing}`)
  const withTorch = values['vs-torch'] && !missing
  say(`${machine()}\nour kernels: ${provider}${provider === 'native' ? ' (onnxruntime MLAS for large products, WebAssembly SIMD for the rest)' : ''}\nour step: ${provider === 'native' ? describeStepMode(step) : 'ops (the graph step needs the native kernels)'}\n`)
  const ours: Result[] = []
  const torch: Result[] = []
  for (const workload of selected) {
    const request = withTorch ? workload.torch?.() : undefined
    if (withTorch && !request) say(`PyTorch comparison: ${workload.name} has no PyTorch counterpart yet`)
    const rounds = roundsOf(workload)
    const [mine, theirs]: Result[][] = [[], []]
    const byRound: Result[][] = []
    // Ours and PyTorch's take turns, so a burst of load from other processes tends to hit both.
    for (let round = 0; round < rounds; round++) {
      byRound.push(runOurs(workload, round))
      mine.push(...byRound[round])
      if (request) for (const threads of TORCH_THREADS) theirs.push(...runTorch(request, threads))
      if (request) for (const isa of isas) theirs.push(...runTorch(request, TORCH_ISA_THREADS, isa))
    }
    const [bestMine, bestTheirs] = [bestOfRounds(mine), bestOfRounds(theirs)]
    ours.push(...bestMine)
    torch.push(...bestTheirs)
    const summary = workload.summarize?.(byRound) ?? []
    if (values.json) emit([...bestMine, ...bestTheirs, ...summary.map((note) => ({ note }))])
    else console.log(`${workload.title}, best of ${rounds} round${rounds === 1 ? '' : 's'}\n${resultsTable([...bestMine, ...bestTheirs])}\n${summary.map((line) => `${line}\n`).join('')}`)
  }
  if (!withTorch) return
  const comparisons = compare(ours.filter((r) => r.engine === 'ours'), torch)
  if (values.json) return emit(comparisons)
  console.log(`Time ratio ours/PyTorch, below 1 when ours is faster (ours on as many threads, in parentheses)\n${comparisonTable(comparisons)}`)
}

await main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
