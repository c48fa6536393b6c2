import { describe, expect, it } from 'vitest'
import { engineLogits } from '../../src/main/onnx/parity'
import { verifiedOnnx } from '../../src/main/onnx/export'
import { workerEvaluator } from '../../src/main/service/engine-evaluation'
import { TrainedModel } from '../../src/main/service/trained-model'
import { mnistSample, trainBriefly } from '../onnx/helpers'

describe('the export’s check, computed off the main thread', () => {
  it('gives, from a worker, the same logits bit for bit as the model on this thread, and the same parity report', async () => {
    const { learner, config } = await trainBriefly('simple_net')
    const dataset = mnistSample()
    const trained = TrainedModel.fromState(config, dataset, 'mnist-sample', learner.model.stateDict(), 1, null)
    const indices = Int32Array.from({ length: 600 }, (_, i) => i * 3)
    const inWorker = await workerEvaluator(trained)(indices, [28, 28])
    const here = engineLogits(trained.model, dataset.valid, [28, 28], indices)
    expect(inWorker.columns).toBe(1)
    expect(Array.from(inWorker.data)).toEqual(Array.from(here.data))

    const source = trained.exportSource(true)
    const fromWorker = await verifiedOnnx(source, dataset.valid, { engine: workerEvaluator(trained) })
    const onMain = await verifiedOnnx(source, dataset.valid)
    expect(fromWorker.parity).toEqual(onMain.parity)
    expect(fromWorker.parity.passed).toBe(true)
  })

  it('says so when the worker cannot compute them (weights that do not fit the model)', async () => {
    const { learner, config } = await trainBriefly('linear')
    const trained = TrainedModel.fromState(config, mnistSample(), 'mnist-sample', learner.model.stateDict(), 1, null)
    const broken = { ...trained, config: { ...config, model: { kind: 'simple_net', hidden: 30 } } } as unknown as TrainedModel
    await expect(workerEvaluator(broken)(Int32Array.of(0, 1), [28, 28])).rejects.toThrow(/checking the export failed/)
  })
})
