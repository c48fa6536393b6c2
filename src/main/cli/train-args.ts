import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { KERNEL_PROVIDERS, MAX_THREADS, startingProvider, type KernelProvider } from '../engine/kernels'
import { STEP_MODES, startingStepMode, type StepMode } from '../engine/traced/mode'
import { defaultMemoryBudget } from '../service/memory-budget'
import { MODEL_KINDS, defaultModelSpec, type ModelKind, type ModelSpec } from '../../shared/models'
import type { LossKind, OptimizerKind, ScheduleKind, TrainingConfig } from '../../shared/training'
import { SCHEDULE_KINDS, STARTING_POINT_IDS, defaultTrainingConfig, type StartingPointId } from '../../shared/training'
import type { StartChoice } from '../../shared/training-plan'
import { isBuiltinDataset } from '../datasets/builtin'
import { UsageError, choiceOption, numberOption, userPath } from './usage'

export const TRAIN_USAGE = `usage: digit-lab train [--data mnist-sample|mnist|FOLDER|FILE] [--model ${MODEL_KINDS.join('|')}]
                       [--from mnist-cnn|scratch|PROJECT.digitlab]
                       [--epochs N] [--lr X] [--bs N] [--seed S] [--loss mnist|ce]
                       [--optimizer sgd|adam] [--momentum M] [--wd W] [--no-shuffle]
                       [--hidden 100,50] [--distance l1|rmse] [--init randn|pytorch]
                       [--channels 16,32,64,128] [--one-cycle | --schedule constant|one-cycle]
                       [--augment] [--clip N] [--lr-find] [--interpret] [--print-model]
                       [--save model.json] [--export model.onnx] [--json] [--threads N]
                       [--kernels native|wasm|reference] [--step graph|ops]
                       [--project run.digitlab] [--resume run.digitlab] [--memory-limit MB]
                       [--recipe handwriting]
Defaults reproduce the chapter: mnist-sample, linear, mnist loss, SGD lr 1.0, 20 epochs, batch 256.
Your own data (--data FOLDER, no --model or --model cnn) trains as the app does: the CNN fine-tuned from the
MNIST CNN starting point, its length planned from the number of images; --from chooses the start (--from on a
built-in dataset too). Any option given on top (--epochs, --lr, --bs, …) replaces the plan's.
--threads: how many cores to compute on (default: all, up to ${MAX_THREADS}).
--kernels: native (onnxruntime's MLAS, the default where it loads), wasm (the bits of earlier releases, the same
  for any thread count) or reference. Same seed, kernels, step, thread count and CPU: the same bits.
--step: graph (the default: with native kernels, each training step of a CNN, ResNet or MLP runs as one traced
  onnxruntime graph; linear and models it cannot hold take the per-op step) or ops (our autograd op by op).
--print-model: print the model's layers first, as PyTorch prints a module (fused conv + batch norm shown).
--recipe handwriting: --data is a folder of drawings in digit folders (0-9); fine-tune the MNIST CNN (or --from
  PROJECT.digitlab) on them as Draw's "Fine-tune on my handwriting" does, and print the accuracy on the drawings
  and on MNIST's 10,000 test digits, before and after (--export and --json apply).
--memory-limit: refuse a run whose estimated memory exceeds this many MB (default: half of this computer's memory).`

/** What `train` was asked to do. */
export interface TrainRequest {
  readonly data: string
  readonly kind: ModelKind
  /** Whether --model was given (a folder with no model is planned as the app plans it). */
  readonly modelGiven: boolean
  /** --from: where the weights start; absent: planned for a folder, scratch for a built-in dataset. */
  readonly from?: StartChoice
  /** --recipe handwriting: the Draw view's "Fine-tune on my handwriting" on a folder of drawings. */
  readonly recipe?: 'handwriting'
  readonly overrides: Partial<TrainingConfig>
  readonly modelOverrides: { hidden?: number[]; distance?: 'l1' | 'rmse'; init?: 'randn' | 'pytorch'; channels?: number[] }
  /** Run the learning-rate finder before training and print its curve and suggestion. */
  readonly lrFind: boolean
  /** After training, print the confusion matrix, most-confused pairs and top losses. */
  readonly interpret: boolean
  /** Print the model's module tree (with what the fusion pass fused) before training. */
  readonly printModel: boolean
  readonly save?: string
  /** Save the run as a project (weights, optimizer, history, shuffle state) to continue later. */
  readonly project?: string
  /** Continue the project saved here: its data, model and config, for `--epochs` more epochs. */
  readonly resume?: string
  /** Write an ONNX file, checked against the engine on the validation set first. */
  readonly export?: string
  readonly json: boolean
  /** How many threads the engine computes on. */
  readonly threads: number
  /** Whose kernels compute: onnxruntime's MLAS, our WebAssembly, or the TypeScript reference. */
  readonly kernels: KernelProvider
  /** How a training step runs: one traced onnxruntime graph (native kernels only), or op by op. */
  readonly step: StepMode
  /** The most memory, in bytes, a run may plan to use; larger runs are refused before they start. */
  readonly memoryBudget: number
}

/** Every core the machine has, as far as the engine takes them. */
const defaultThreads = (): number => Math.min(availableParallelism(), MAX_THREADS)

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0
const isPositiveCount = (n: number): boolean => Number.isInteger(n) && n >= 1

/** Parse `train`'s arguments; throws a UsageError naming the first bad one. */
export function parseTrainArgs(argv: readonly string[]): TrainRequest {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string', default: 'mnist-sample' },
        model: { type: 'string' },
        from: { type: 'string' },
        epochs: { type: 'string' },
        lr: { type: 'string' },
        bs: { type: 'string' },
        seed: { type: 'string' },
        loss: { type: 'string' },
        optimizer: { type: 'string' },
        momentum: { type: 'string' },
        wd: { type: 'string' },
        'no-shuffle': { type: 'boolean', default: false },
        hidden: { type: 'string' },
        distance: { type: 'string' },
        init: { type: 'string' },
        channels: { type: 'string' },
        'one-cycle': { type: 'boolean', default: false },
        schedule: { type: 'string' },
        augment: { type: 'boolean', default: false },
        clip: { type: 'string' },
        'lr-find': { type: 'boolean', default: false },
        interpret: { type: 'boolean', default: false },
        'print-model': { type: 'boolean', default: false },
        save: { type: 'string' },
        project: { type: 'string' },
        resume: { type: 'string' },
        export: { type: 'string' },
        json: { type: 'boolean', default: false },
        threads: { type: 'string' },
        kernels: { type: 'string' },
        step: { type: 'string' },
        'memory-limit': { type: 'string' },
        recipe: { type: 'string' },
      },
    }))
  } catch (error) {
    throw new UsageError((error as Error).message, TRAIN_USAGE)
  }
  const u = TRAIN_USAGE
  const memoryLimitMb = numberOption('memory-limit', values['memory-limit'], u, (n) => n > 0 && Number.isFinite(n))
  const hidden = values.hidden?.split(',').map((width) => numberOption('hidden', width, u, isPositiveCount)!)
  const channels = values.channels?.split(',').map((width) => numberOption('channels', width, u, isPositiveCount)!)
  const overrides: Partial<{ -readonly [K in keyof TrainingConfig]: TrainingConfig[K] }> = {
    epochs: numberOption('epochs', values.epochs, u, isCount),
    lr: numberOption('lr', values.lr, u, (n) => n > 0 && Number.isFinite(n)),
    batchSize: numberOption('bs', values.bs, u, isPositiveCount),
    seed: numberOption('seed', values.seed, u, (n) => Number.isInteger(n) && n >= 0),
    loss: choiceOption<LossKind>('loss', values.loss, ['mnist', 'ce'], u),
    optimizer: choiceOption<OptimizerKind>('optimizer', values.optimizer, ['sgd', 'adam'], u),
    momentum: numberOption('momentum', values.momentum, u, (n) => n >= 0 && n < 1),
    weightDecay: numberOption('wd', values.wd, u, (n) => n >= 0 && Number.isFinite(n)),
    shuffle: values['no-shuffle'] ? false : undefined,
    schedule: values['one-cycle'] ? 'one-cycle' : choiceOption<ScheduleKind>('schedule', values.schedule, SCHEDULE_KINDS, u),
    augment: values.augment ? true : undefined,
    gradClip: numberOption('clip', values.clip, u, (n) => n > 0 && Number.isFinite(n)),
  }
  return {
    data: userPath(values.data!),
    kind: choiceOption<ModelKind>('model', values.model, MODEL_KINDS, u) ?? 'linear',
    modelGiven: values.model !== undefined,
    from: values.from === undefined ? undefined : startChoice(values.from),
    recipe: choiceOption('recipe', values.recipe, ['handwriting'] as const, u),
    overrides: Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
    modelOverrides: {
      hidden,
      distance: choiceOption('distance', values.distance, ['l1', 'rmse'] as const, u),
      init: choiceOption('init', values.init, ['randn', 'pytorch'] as const, u),
      channels,
    },
    lrFind: values['lr-find']!,
    interpret: values.interpret!,
    printModel: values['print-model']!,
    save: values.save === undefined ? undefined : userPath(values.save),
    project: values.project === undefined ? undefined : userPath(values.project),
    resume: values.resume === undefined ? undefined : userPath(values.resume),
    export: values.export === undefined ? undefined : userPath(values.export),
    json: values.json!,
    threads: numberOption('threads', values.threads, u, (n) => Number.isInteger(n) && n >= 1 && n <= MAX_THREADS) ?? defaultThreads(),
    kernels: choiceOption('kernels', values.kernels, KERNEL_PROVIDERS, u) ?? startingProvider(),
    step: choiceOption('step', values.step, STEP_MODES, u) ?? startingStepMode(),
    memoryBudget: memoryLimitMb === undefined ? defaultMemoryBudget() : memoryLimitMb * 2 ** 20,
  }
}

/** `--from`: a starting point's id, `scratch`, or a project file (`.digitlab`). */
function startChoice(value: string): StartChoice {
  if (value === 'scratch') return { kind: 'scratch' }
  if ((STARTING_POINT_IDS as readonly string[]).includes(value)) return { kind: 'pretrained', id: value as StartingPointId }
  if (value.endsWith('.digitlab')) return { kind: 'project', path: userPath(value) }
  throw new UsageError(`--from must be ${STARTING_POINT_IDS.join(', ')}, scratch or a project file (.digitlab); got "${value}"`, TRAIN_USAGE)
}

/** Whether a request trains as the app plans it: a folder with no model but the CNN, or any --from. */
export function isPlanned(request: TrainRequest): boolean {
  if (request.from) return true
  return !isBuiltinDataset(request.data) && (!request.modelGiven || request.kind === 'cnn') && !request.resume
}

/** The model spec with any `--hidden/--distance/--init/--channels` applied (each only where the model has it). */
function applyModelOverrides(spec: ModelSpec, overrides: TrainRequest['modelOverrides']): ModelSpec {
  const { hidden, distance, init, channels } = overrides
  const misplaced = (flag: string): UsageError => new UsageError(`--${flag} does not apply to the ${spec.kind} model`, TRAIN_USAGE)
  if (distance && spec.kind !== 'pixel') throw misplaced('distance')
  if (init && spec.kind !== 'linear') throw misplaced('init')
  if (hidden && spec.kind !== 'mlp' && spec.kind !== 'simple_net') throw misplaced('hidden')
  if (channels && spec.kind !== 'cnn') throw misplaced('channels')
  if (hidden && spec.kind === 'simple_net' && hidden.length !== 1) throw new UsageError('simple_net has one hidden layer: give one --hidden width', TRAIN_USAGE)
  switch (spec.kind) {
    case 'pixel':
      return { ...spec, distance: distance ?? spec.distance }
    case 'linear':
      return { ...spec, init: init ?? spec.init }
    case 'simple_net':
      return { ...spec, hidden: hidden?.[0] ?? spec.hidden }
    case 'mlp':
      return { ...spec, hidden: hidden ?? spec.hidden }
    case 'cnn':
      return { ...spec, channels: channels ?? spec.channels }
    case 'resnet18':
      return spec
  }
}

/** The full config: the model's defaults for this many classes, then the user's choices on top. */
export function resolveTrainingConfig(request: TrainRequest, classCount: number): TrainingConfig {
  const defaults = defaultTrainingConfig(request.kind, classCount)
  const model = applyModelOverrides(defaults.model ?? defaultModelSpec(request.kind), request.modelOverrides)
  return { ...defaults, ...request.overrides, model }
}
