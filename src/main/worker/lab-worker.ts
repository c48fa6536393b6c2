import { parentPort } from 'node:worker_threads'
import { importDataset, type ImportProgress } from '../datasets'
import { DatasetImages } from '../service/dataset-images'
import { labApi, type LabWorkerCalls, type LabWorkerEvent } from '../service/lab/lab-calls'
import { LabSession } from '../service/lab/lab-session'
import { describeDataset, importedData } from '../service/open-dataset'
import { throttle } from '../service/throttle'
import type { LabEvent } from '../../shared/lab'
import { serveCalls } from './calls'

/**
 * The Lab's worker: every panel's computation, the Lab's models and the ladder (whose runs train in training
 * workers of their own, started from here) — and a built-in's import, a dataset's summary and health — so that main,
 * with its menus and IPC, never waits on them. A dataset's pixels cross in shared memory, never copied.
 */
if (!parentPort) throw new Error('lab-worker must run in a worker thread')
const port = parentPort
const post = (message: LabWorkerEvent): void => port.postMessage(message)
const emit = (event: LabEvent): void => post({ type: 'lab-event', event })

let session: LabSession | null = null
const current = (): LabSession => {
  if (!session) throw new Error('no dataset is open: open a sample or a folder first')
  return session
}

const calls: LabWorkerCalls = {
  ...labApi(current),
  importBuiltin: async (name, settings, dataFolder, id) => {
    const onProgress = throttle<ImportProgress>((progress) => post({ type: 'import-progress', id, progress }), 20, (p) => p.done === p.total)
    const data = importedData(await importDataset(name, { ...settings, onProgress, corrections: { dataFolder } }))
    // NOTE: the built-ins' near-exact copies are MNIST's own (a handful across train and test): only exact ones are looked for there.
    return { data, description: describeDataset(data.dataset, data.sources, false) }
  },
  describe: describeDataset,
  open: (dataset, sources, options) => {
    // The last dataset's ladder stops; a call still running on it finishes there.
    void session?.close()
    session = new LabSession(new DatasetImages(dataset, sources), {
      ...options,
      emit: (ladder) => emit({ kind: 'ladder', ladder }),
      baselineProgress: (done, total) => emit({ kind: 'baseline', done, total }),
    })
  },
  adoptRun: (run) => current().ladder.adoptRun(run),
}

// Ending: the ladder's training workers end first (each between two steps), then this thread.
serveCalls(port, calls, async () => await session?.close())
