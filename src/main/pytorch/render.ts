import type { TrainingConfig } from '../../shared/training'
import { IDX_LOADER, PNG_LOADER } from './templates/loaders'
import { TRAIN_PY } from './templates/train-py'

/** A value as a Python literal: numbers, booleans, None, strings and lists of them. */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} has no Python literal here`)
    return String(value)
  }
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`
  throw new Error(`no Python literal for ${typeof value}`)
}

/** Fill `{{NAME}}` slots; a slot left unfilled or a value never used is a mistake in the template. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`template slot {{${name}}} has no value`)
    return values[name]
  })
  const unused = Object.keys(values).filter((name) => !template.includes(`{{${name}}}`))
  if (unused.length > 0) throw new Error(`template has no slot for ${unused.join(', ')}`)
  return out
}

/** Where the recipe's comments start at most. */
const COMMENT_COLUMN = 24

/** The recipe block of train.py: each setting of the run, one constant a line, with a word where it helps. */
export function recipeBlock(config: TrainingConfig, labels: readonly string[]): string {
  const lines: [string, unknown, string][] = [
    ['LABELS', labels, 'class i is LABELS[i], in Digit Lab\'s order'],
    ['BINARY', config.loss === 'mnist', 'one logit and the chapter\'s mnist_loss; else one logit per class and cross-entropy'],
    ['EPOCHS', config.epochs, ''],
    ['LR', config.lr, config.schedule === 'one-cycle' ? 'the peak of the one-cycle schedule' : ''],
    ['BATCH_SIZE', config.batchSize, 'images per step, over all processes'],
    ['OPTIMIZER', config.optimizer, '"sgd" or "adam" (AdamW)'],
    ['MOMENTUM', config.momentum, 'SGD\'s'],
    ['WEIGHT_DECAY', config.weightDecay, ''],
    ['SCHEDULE', config.schedule, '"constant" or "one-cycle"'],
    ['SHUFFLE', config.shuffle, 'a new order of the training images each epoch'],
    ['AUGMENT', config.augment, 'small random rotation, shift and scale of training images'],
    ['GRAD_CLIP', config.gradClip, 'clip the gradients\' global norm to this'],
    ['SEED', config.seed, 'PyTorch\'s random numbers are not Digit Lab\'s: the same recipe, not the same bits'],
  ]
  const assignments = lines.map(([name, value]) => `${name} = ${pythonLiteral(value)}`)
  // Comments line up after the usual settings; a long one (many labels) keeps its comment two spaces after it.
  const width = Math.min(COMMENT_COLUMN, Math.max(...assignments.map((line) => line.length)) + 2)
  return assignments.map((line, i) => (lines[i][2] ? `${line.padEnd(width)}${line.length >= width ? '  ' : ''}# ${lines[i][2]}` : line)).join('\n')
}

/** What train.py is rendered from. */
export interface TrainScript {
  readonly title: string
  readonly config: TrainingConfig
  readonly labels: readonly string[]
  /** `idx`: MNIST's own files (the built-in samples); `png`: ImageFolder folders of PNGs. */
  readonly data: 'idx' | 'png'
  /** Which MNIST files the IDX loader reads, in a few words. */
  readonly splits: string
  readonly modelCode: string
}

/** The text of train.py. */
export function renderTrainPy(script: TrainScript): string {
  const loader = script.data === 'idx' ? fill(IDX_LOADER, { SPLITS: script.splits }) : PNG_LOADER
  return fill(TRAIN_PY, {
    TITLE: script.title,
    IMPORTS: script.data === 'png' ? 'import zlib\n' : '',
    RECIPE: recipeBlock(script.config, script.labels),
    LOADER: loader,
    MODEL: script.modelCode,
  })
}
