import type { DigitDataset } from '../../engine/data/dataset'
import { broadcastShapes, sameShape } from '../../engine/shape'
import type { Tensor } from '../../engine/tensor'
import type { BroadcastReply, TracedStep } from '../../../shared/lab'
import { imagesTensor, numbers, rowsOfClass } from './images'

/** Records each op as it runs, from the real tensors' shapes and the graph node the op leaves. */
class Trace {
  readonly steps: TracedStep[] = []

  /** Run `fn` on named inputs, and record it as `code` making `output`. */
  run(code: string, inputs: readonly [string, Tensor][], output: string, fn: () => Tensor, note: string, opName?: string): Tensor {
    const out = fn()
    const shapes = inputs.map(([, t]) => t.shape)
    const differ = shapes.length === 2 && !sameShape(shapes[0], shapes[1])
    const result = differ ? broadcastShapes(shapes[0], shapes[1]) : null
    this.steps.push({
      code,
      // NOTE: the op type comes from the node the engine recorded; ops without gradients (comparisons, arg-min) record none.
      op: out.gradFn?.opType ?? opName ?? 'Op',
      inputs: inputs.map(([name, t]) => ({ name, shape: [...t.shape] })),
      output: { name: output, shape: [...out.shape] },
      broadcast: result ? { aligned: shapes.map((s) => [...Array<number>(result.length - s.length).fill(1), ...s]), result } : null,
      note,
      sample: sampleOf(out),
    })
    return out
  }
}

/** Floats the all-classes broadcast may make: all of a two-class sample's images, a few hundred of ten classes'. */
const VERDICT_FLOATS = 2_100_000

/** A few values that say something: the first ones, or for images (mostly 0 at the start) their range. */
function sampleOf(t: Tensor): TracedStep['sample'] {
  const image = t.rank >= 2 && t.shape[t.rank - 1] * t.shape[t.rank - 2] >= 100
  if (!image) return { kind: 'values', values: numbers(t.data.subarray(0, 6)) }
  let [min, max, sum] = [Infinity, -Infinity, 0]
  for (const v of t.data) [min, max, sum] = [Math.min(min, v), Math.max(max, v), sum + v]
  return { kind: 'range', min, mean: sum / t.size, max }
}

/**
 * The chapter's broadcasting on the open dataset, traced: `mean_c = stacked_c.mean(0)`, then
 * `mnist_distance(valid_c, mean_c) = (valid_c − mean_c).abs().mean((−1, −2))`, then the verdict for
 * every image against every class's mean (`classMeans`, (classes, h·w)) in one broadcast, to the
 * class's accuracy. The leaves
 * require grad only so that every op records the graph node whose type the trace shows.
 */
export function traceBroadcast(dataset: DigitDataset, classMeans: Tensor, label: number): BroadcastReply {
  const started = performance.now()
  const { labelNames, height: h, width: w } = dataset
  if (label >= labelNames.length) throw new Error(`class ${label} does not exist: this dataset has ${labelNames.length} classes`)
  const c = labelNames[label]
  const validRows = rowsOfClass(dataset.valid, label)
  if (validRows.length === 0) throw new Error(`class ${c} has no validation images to measure`)
  const trace = new Trace()
  const stacked = imagesTensor(dataset.train, rowsOfClass(dataset.train, label), [h, w]).requiresGrad_()
  const valid = imagesTensor(dataset.valid, validRows, [h, w]).requiresGrad_()
  const mean = trace.run(`mean${c} = stacked_${c}.mean(0)`, [[`stacked_${c}`, stacked]], `mean${c}`, () => stacked.mean(0), `the ideal ${c}: the average over axis 0, the images`)
  const diff = trace.run(`valid_${c} - mean${c}`, [[`valid_${c}`, valid], [`mean${c}`, mean]], 'diff', () => valid.sub(mean), `one mean${c} against each of the ${validRows.length} images`)
  const abs = trace.run('diff.abs()', [['diff', diff]], 'abs', () => diff.abs(), 'elementwise: the shape stays')
  trace.run('abs.mean((-1, -2))', [['abs', abs]], `dist_${c}`, () => abs.mean([-1, -2]), 'average over the last two axes, the pixels: one distance per image')
  const distanceSteps = trace.steps.splice(0)

  const means = classMeans.reshape(labelNames.length, h, w)
  // NOTE: every image against every mean is (n, classes, h, w): for ten classes, on the first images only, so main stays responsive.
  const shown = Math.min(validRows.length, Math.floor(VERDICT_FLOATS / (labelNames.length * h * w)))
  const some = shown === validRows.length ? valid : valid.slice(0, shown)
  const name = shown === validRows.length ? `valid_${c}` : `valid_${c}[:${shown}]`
  const column = trace.run(`${name}[:, None]`, [[name, some]], 'column', () => some.unsqueeze(1), 'a new axis of size 1, to stretch over the classes')
  const all = trace.run('column - means', [['column', column], ['means', means]], 'diffs', () => column.sub(means), 'every image against every class mean')
  const distances = trace.run('diffs.abs().mean((-1, -2))', [['diffs', all]], 'dists', () => all.abs().mean([-1, -2]), 'one distance per image and class')
  const nearest = trace.run('dists.argmin(-1)', [['dists', distances]], 'nearest', () => distances.neg().argmax(-1), 'the nearest class of each image', 'ArgMin')
  const right = trace.run(`nearest == ${label}`, [['nearest', nearest]], `is_${c}`, () => nearest.eq(label), `1 where the nearest mean is ${c}'s`, 'Equal')
  const accuracy = trace.run(`is_${c}.mean()`, [[`is_${c}`, right]], 'accuracy', () => right.mean(), 'the share of right answers', 'ReduceMean')
  return {
    label,
    distance: distanceSteps,
    verdict: trace.steps,
    accuracy: accuracy.item(),
    verdictImages: shown,
    classImages: validRows.length,
    copyBytesAvoided: validRows.length * h * w * 4,
    milliseconds: performance.now() - started,
  }
}
