import { parentPort } from 'node:worker_threads'
import { DatasetImages } from '../service/dataset-images'
import { labApi, type LabWorkerCalls, type LabWorkerEvent } from '../service/lab/lab-calls'
import { LabSession } from '../service/lab/lab-session'
import { describeDataset } from '../service/open-dataset'
import type { LabEvent } from '../../shared/lab'
import { serveCalls } from './calls'

/**
 * The Lab's worker: every panel's computation, the Lab's models and the ladder (whose runs train in training
 * workers of their own, started from here) — and the open dataset's summary and health — so that main, with its
 * menus and IPC, never waits on them. The dataset's pixels arrive in shared memory, not copied.
 */
if (!parentPort) throw new Error('lab-worker must run in a worker thread')
const port = parentPort
const emit = (event: LabEvent): void => port.postMessage({ type: 'lab-event', event } satisfies LabWorkerEvent)

let session: LabSession | null = null
const current = (): LabSession => {
  if (!session) throw new Error('no dataset is open: open a sample or a folder first')
  return session
}

const calls: LabWorkerCalls = {
  ...labApi(current),
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

serveCalls(port, calls)
