import type { EngineEvaluator } from '../onnx/parity'
import type { FromWorker, ToWorker } from '../worker/protocol'
import { endWorker } from '../worker/exit'
import { spawnWorker } from '../worker/spawn'
import { shareDataset } from './shared-dataset'
import type { TrainedModel } from './trained-model'
import { TRAINING_WORKER_LIMITS } from './training-run'

/**
 * The engine's side of an export's check, computed in a worker thread of its own: the trained model (its config and
 * weights) runs on the validation images there, so the main process — its menus and IPC — never stalls on it
 * (ResNet-18 on 2,000 images takes seconds). The logits are the same bits as on main.
 */
export function workerEvaluator(trained: TrainedModel): EngineEvaluator {
  return (indices, size) =>
    new Promise((resolve, reject) => {
      const worker = spawnWorker('training-worker', { resourceLimits: TRAINING_WORKER_LIMITS })
      const settle = (done: () => void): void => {
        worker.removeAllListeners('exit')
        void endWorker(worker)
        done()
      }
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'evaluated') settle(() => resolve(message.logits))
        else if (message.type === 'failed') settle(() => reject(new Error(`checking the export failed: ${message.message}`)))
      })
      worker.on('error', (error) => settle(() => reject(new Error(`checking the export failed: ${error.message}`))))
      worker.on('exit', (code) => reject(new Error(`the worker checking the export exited (code ${code})`)))
      const request: ToWorker = { type: 'evaluate', dataset: shareDataset(trained.dataset), config: trained.config, state: trained.model.stateDict(), indices, size }
      worker.postMessage(request)
    })
}
