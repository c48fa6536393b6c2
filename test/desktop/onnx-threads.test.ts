import { describe, expect, it } from 'vitest'
import { buildOnnxModel } from '../../src/main/onnx/build'
import { OnnxClassifier } from '../../src/main/onnx/inference'
import { limitSessionThreads, sessionOptions } from '../../src/main/onnx/runtime'
import { exportSource, trainBriefly } from '../onnx/helpers'

describe('onnxruntime sessions in the desktop app’s main process', () => {
  it('keep to the threads they are limited to (the app: one, beside a training worker), and still classify', async () => {
    expect(sessionOptions()).toEqual({ logSeverityLevel: 3 })
    limitSessionThreads(1)
    expect(sessionOptions()).toMatchObject({ intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' })
    const { learner, config } = await trainBriefly('linear')
    const classifier = await OnnxClassifier.fromBytes(buildOnnxModel(exportSource(learner, config)))
    const prediction = await classifier.classifyOne(new Float32Array(784).fill(0.5))
    expect(classifier.labels).toContain(prediction.label)
    await classifier.close()
  })
})
