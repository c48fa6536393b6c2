import { parseArgs } from 'node:util'
import { OnnxClassifier } from '../onnx/inference'
import { readPredictInput, type PredictImage } from './predict-input'
import { formatResult, formatSummary, summarize, type ImageResult, type PredictSummary } from './predict-report'
import { UsageError, userPath } from './usage'

export const PREDICT_USAGE = `usage: digit-lab predict <model.onnx> <image|folder> [--centre] [--json]
Classifies an image, or every image in a folder, with an ONNX model: a Digit Lab export, or any model
with one float32 [1|N,1,28,28] input and a [N, classes] score output. Images are read as the app
imports them (any format sharp reads, ink made bright on black, 28×28). A folder with label folders
(3/, 7/… or train|valid/<label>/…) also gets accuracy and a confusion matrix.
  --centre   prepare each image as MNIST was made: ink box scaled into 20×20, centred by centre of
             mass in 28×28 (for drawings and photos; --center works too)
  --json     one JSON object per image, then a summary object (images, accuracy, skipped, confusion)`

interface PredictRequest {
  readonly model: string
  readonly target: string
  readonly centre: boolean
  readonly json: boolean
}

function parsePredictArgs(argv: readonly string[]): PredictRequest {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { centre: { type: 'boolean', default: false }, center: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    })
  } catch (error) {
    throw new UsageError((error as Error).message, PREDICT_USAGE)
  }
  const { values, positionals } = parsed
  if (positionals.length !== 2) throw new UsageError(`expected a model file and an image or folder, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`, PREDICT_USAGE)
  return { model: userPath(positionals[0]), target: userPath(positionals[1]), centre: values.centre! || values.center!, json: values.json! }
}

/** Classify the images in batches; each becomes a result with its scores by label. */
async function classifyAll(classifier: OnnxClassifier, images: readonly PredictImage[]): Promise<ImageResult[]> {
  const results: ImageResult[] = []
  for (let start = 0; start < images.length; start += 256) {
    const batch = images.slice(start, start + 256)
    const input = new Float32Array(batch.length * 784)
    batch.forEach((image, i) => image.pixels.forEach((v, j) => (input[i * 784 + j] = v / 255)))
    const predictions = await classifier.classify(input, batch.length)
    predictions.forEach((prediction, i) => {
      const { file, label } = batch[i]
      const scores = Object.fromEntries(classifier.labels.map((name, c) => [name, prediction.scores[c]]))
      const known = label !== null && classifier.labels.includes(label)
      results.push({ file, predicted: prediction.label, scores, label, correct: known ? prediction.label === label : null })
    })
  }
  return results
}

/** `digit-lab predict model.onnx <image|folder>`: classify, print each result and a summary. */
export async function runPredict(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<PredictSummary> {
  const request = parsePredictArgs(argv)
  const print = (line: string): void => void out.write(`${line}\n`)
  const classifier = await OnnxClassifier.open(request.model)
  try {
    const input = await readPredictInput(request.target, { centre: request.centre })
    if (input.images.length === 0) {
      const reasons = input.skipped.slice(0, 5).map((s) => `\n  ${s.file}: ${s.reason}`).join('')
      throw new Error(`no image in ${request.target} could be read${reasons}`)
    }
    const results = await classifyAll(classifier, input.images)
    const summary = summarize(request.model, classifier.labels, results, input.skipped)
    if (request.json) {
      for (const result of results) print(JSON.stringify(result))
      print(JSON.stringify(summary))
    } else {
      for (const result of results) print(formatResult(result))
      for (const line of formatSummary(summary)) print(line)
    }
    return summary
  } finally {
    await classifier.close()
  }
}
