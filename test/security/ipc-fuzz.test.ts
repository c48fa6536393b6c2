import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { ApiRequestError, dispatch } from '../../src/main/ipc/dispatch'
import { DigitLabService } from '../../src/main/service/digit-lab-service'
import { startWebServer } from '../../src/main/web/server'
import { API_ARGS, type ApiHandlers, type ApiName } from '../../src/shared/api'
import { defaultTrainingConfig } from '../../src/shared/training'
import { recordFigures } from '../helpers/figures'
import { tempFolder } from '../helpers/temp-folder'

/**
 * A valid call of each api function, for the fuzz to mutate past the schema into the handler. A
 * function without one still gets every random payload; add one here (with a sandboxed handler
 * below if it writes files) to fuzz it deeper.
 */
const VALID: { readonly [N in ApiName]?: unknown[] } = {
  engineStatus: [],
  openSample: ['mnist-sample'],
  openFolder: ['no-such-folder', { validPercent: 20, seed: 1, polarity: 'auto', resize: 'letterbox' }],
  imagePage: [{ split: 'train', label: 1, offset: 3, limit: 5 }],
  imagesAt: [{ split: 'valid', indices: [0, 5, 2] }],
  currentDataset: [],
  interpretation: [],
  startTraining: [defaultTrainingConfig('cnn', 2)],
  stopTraining: [],
  currentModel: [],
  openModel: ['no-such-model.onnx'],
  classify: [Buffer.alloc(784).toString('base64')],
  exportOnnx: [{ path: join(tmpdir(), 'digit-lab-fuzz-never-written.onnx') }],
  pickPath: ['export-onnx'],
  saveProject: [{ path: join(tmpdir(), 'digit-lab-fuzz-never-written.digitlab') }],
  exportPytorch: [{ path: join(tmpdir(), 'digit-lab-fuzz-never-written-pytorch') }],
  openProject: ['no-such-project.digitlab'],
  currentProject: [],
  continueTraining: [{ epochs: 1 }],
  labPixels: [{ split: 'valid', index: 3 }],
  labBroadcast: [{ label: 1 }],
  labSgd: [{ seed: 42, lr: 1e-5, params: [1, 2, 3], steps: 10, compare: true }],
  labDerivative: [{ fn: 'sigmoid', x: 1.5 }],
  labGraph: [{ model: 'simple_net', image: { split: 'valid', index: 3 }, check: false }],
  labStep: [{ model: 'linear', lr: 1, batchSize: 64, steps: 1 }],
  labResetModel: [{ model: 'simple_net' }],
  labNudge: [{ weight: { output: 0, pixel: 300 }, range: 2, delta: 0.5 }],
  labWeights: [{ model: 'simple_net' }],
  labSaliency: [{ model: 'linear', image: { split: 'train', index: 5 } }],
  labTrain: [{ models: ['pixel', 'linear'], epochs: 'one' }],
  labStopTraining: [],
  labLadder: [],
  // The fuzz's service has no data folder and a built-in open: every collect target is refused, nothing is written.
  saveDrawing: [{ pixels: Buffer.alloc(64, 255).toString('base64'), width: 8, height: 8, label: '3', target: 'personal' }],
  collection: [{ target: 'open' }],
  undoDrawing: [{ target: 'personal' }],
  openCollection: [{ target: 'personal' }],
  showCollection: [{ target: 'open' }],
  // A folder that does not exist: refused before any run starts.
  handwritingDrawings: ['no-such-drawings-folder'],
  fineTuneHandwriting: [{ folder: 'no-such-drawings-folder' }],
  undoHandwriting: [],
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Every path to a value inside `value` (the empty path is the value itself). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const inner = Array.isArray(value) ? value.flatMap((v, i) => paths(v, [...prefix, i])) : value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k])) : []
  return [prefix, ...inner]
}

/** The object with an own "__proto__" field, as JSON.parse makes one: the classic prototype-pollution payload. */
function withOwnProto(value: { [key: string]: Json }, extra: Json): Json {
  const copy = { ...value }
  Object.defineProperty(copy, '__proto__', { value: extra, enumerable: true, configurable: true, writable: true })
  return copy
}

/** `value` with the part at `path` replaced, removed, or given an extra field. */
function mutate(value: Json, path: (string | number)[], kind: 'replace' | 'remove' | 'extra', replacement: Json): Json {
  if (path.length === 0) return kind === 'remove' ? null : kind === 'extra' && value && typeof value === 'object' && !Array.isArray(value) ? withOwnProto(value, replacement) : replacement
  const [head, ...rest] = path
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, Json>
  if (rest.length === 0 && kind === 'remove') {
    if (Array.isArray(copy)) (copy as Json[]).splice(Number(head), 1)
    else delete copy[head]
  } else copy[head] = mutate(copy[head], rest, kind, replacement)
  return copy as Json
}

const json: fc.Arbitrary<Json> = fc.json({ maxDepth: 4 }).map((text) => JSON.parse(text) as Json)
const names = Object.keys(API_ARGS) as ApiName[]

/** Random calls: any name with any JSON, valid calls with one part changed, and now and then a valid call (opening the sample takes a while). */
const call: fc.Arbitrary<{ name: unknown; args: unknown }> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ name: fc.oneof(fc.constantFrom(...names), fc.string(), json), args: json }) },
  { weight: 10, arbitrary: fc.record({ name: fc.constantFrom(...names), args: fc.array(json, { maxLength: 3 }) }) },
  {
    weight: 20,
    arbitrary: fc
      .record({ name: fc.constantFrom(...names), pick: fc.nat(), kind: fc.constantFrom('replace', 'remove', 'extra' as const), replacement: json })
      .map(({ name, pick, kind, replacement }) => {
        const valid = (VALID[name] ?? []) as Json
        const all = paths(valid)
        return { name, args: mutate(valid, all[pick % all.length], kind, replacement) }
      }),
  },
  // NOTE: weight 3, so that with thirty-odd functions each still gets its valid call several times (a function whose every mutation fails the schema relies on it).
  { weight: 3, arbitrary: fc.constantFrom(...names).map((name) => ({ name, args: VALID[name] ?? [] })) },
)

const PROGRAMMING_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError]

/** How one call ended. */
type Outcome = 'answered' | 'refused by the schema' | 'refused by the service' | 'unclean error'

const FUZZ_RUNS = 4000

describe('random payloads to every api function', () => {
  const outcomes = new Map<Outcome, number>()
  const unclean: string[] = []
  let uncaught = 0
  const onUncaught = (): void => void uncaught++
  let sandbox = ''
  const home = process.cwd()

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught)
    process.on('unhandledRejection', onUncaught)
    // Relative paths in the fuzz land in an empty folder of their own.
    sandbox = await tempFolder('ipc-fuzz')
    process.chdir(sandbox)
  })

  afterAll(() => {
    process.chdir(home)
    process.off('uncaughtException', onUncaught)
    process.off('unhandledRejection', onUncaught)
  })

  it(`${FUZZ_RUNS} calls through dispatch: no uncaught error, every refusal an ApiRequestError or a plain Error with a reason`, async () => {
    const cwd = process.cwd()
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort()
    // NOTE: a budget of 1 byte: a config that passes the schema is refused after validation, so no worker starts.
    const service = new DigitLabService({ version: 'fuzz', emit: () => undefined, memoryBudget: 1 })
    await service.openSample('mnist-sample')
    const handlers: ApiHandlers = Object.assign(Object.create(service) as DigitLabService, {
      // Never let a fuzzed path import a real folder of this machine: only the empty sandbox, or nothing there.
      openFolder: (path: string, settings: Parameters<ApiHandlers['openFolder']>[1]) =>
        existsSync(path) && !resolve(path).startsWith(cwd) ? Promise.reject(new Error('outside the fuzz sandbox')) : service.openFolder(path, settings),
    })
    const covered = new Set<string>()
    await fc.assert(
      fc.asyncProperty(call, async ({ name, args }) => {
        const outcome: Outcome = await dispatch(handlers, name, args).then(
          () => 'answered',
          (error: unknown) => {
            if (error instanceof ApiRequestError) return 'refused by the schema'
            // A refusal with a reason; never a bug's error (reading a field of undefined, a bad array length, …).
            const clean = error instanceof Error && error.message !== '' && !PROGRAMMING_ERRORS.some((kind) => error instanceof kind)
            if (!clean) unclean.push(`${String(name)}(${JSON.stringify(args)?.slice(0, 200)}): ${String(error)}`)
            return clean ? 'refused by the service' : 'unclean error'
          },
        )
        if (outcome !== 'refused by the schema' && typeof name === 'string') covered.add(name)
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
      }),
      { numRuns: FUZZ_RUNS, seed: 20261127 },
    )
    // Whatever a call left running ends with the service; an error it throws then is counted as uncaught.
    await service.close()
    await new Promise((done) => setImmediate(done))
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore)
    const withExample = names.filter((name) => VALID[name] !== undefined).sort()
    recordFigures('ipc-fuzz', {
      payloads: FUZZ_RUNS,
      outcomes: Object.fromEntries(outcomes),
      reachedHandlers: [...covered].sort(),
      withoutValidExample: names.filter((name) => VALID[name] === undefined),
      uncaught,
      unclean: unclean.length,
    })
    expect(unclean).toEqual([])
    expect(uncaught).toBe(0)
    expect(outcomes.get('refused by the schema')).toBeGreaterThan(FUZZ_RUNS / 4)
    // Mutated valid calls get past the schema into every handler that has an example.
    expect(withExample.filter((name) => !covered.has(name))).toEqual([])
  })

  it('raw messages over the browser mode’s WebSocket get a reply each, and the server stays up', async () => {
    const service = new DigitLabService({ version: 'fuzz', emit: () => undefined, memoryBudget: 1 })
    const server = await startWebServer(service, sandbox)
    const origin = server.url.split('/?')[0]
    const socket = new WebSocket(`${origin.replace('http', 'ws')}/api?token=${server.token}`, { origin })
    await new Promise((open) => socket.once('open', open))
    const messages = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        json.map((value) => JSON.stringify(value)),
        call.map(({ name, args }) => JSON.stringify({ id: 1, name, args })),
        fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      ),
      { numRuns: 500, seed: 7 },
    )
    let replies = 0
    socket.on('message', () => void replies++)
    for (const message of messages) socket.send(message)
    await expect.poll(() => replies, { timeout: 20_000 }).toBe(messages.length)
    recordFigures('socket-fuzz', { messages: messages.length, replies })
    const status = await new Promise<unknown>((answer) => {
      socket.once('message', (data) => answer(JSON.parse(String(data))))
      socket.send(JSON.stringify({ id: 99, name: 'engineStatus', args: [] }))
    })
    expect(status).toMatchObject({ id: 99, ok: true, result: { ready: true } })
    socket.close()
    await server.close()
  })
})
