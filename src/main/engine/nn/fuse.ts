import type { Tensor } from '../tensor'
import { Conv2d } from './conv'
import { Identity, ReLU, Sequential } from './layers'
import { Module } from './module'
import { BatchNorm2d } from './normalization'

/**
 * A Conv2d, the BatchNorm2d after it and optionally a ReLU, run by `Conv2d.forward` as one op
 * (ops/conv-batch-norm.ts) with the bits of the three run one by one, without the tensors between. Made by
 * `fuseConvBatchNorm`; its parts keep the names they had in its parent (`0.weight`, `1.runningMean`), so the
 * fused model saves, loads and exports under the plain model's names.
 */
export class ConvBatchNorm2d extends Module {
  constructor(
    readonly conv: Conv2d,
    readonly norm: BatchNorm2d,
    readonly relu: ReLU | null,
    /** The parts' names in the parent: the conv's, the batch norm's and the ReLU's. */
    private readonly partNames: readonly string[],
  ) {
    super()
  }

  override get keepsPartNames(): boolean {
    return true
  }

  override namedChildren(): [string, Module][] {
    const parts: Module[] = this.relu ? [this.conv, this.norm, this.relu] : [this.conv, this.norm]
    return parts.map((part, i) => [this.partNames[i], part])
  }

  forward(x: Tensor): Tensor {
    return this.conv.forward(x, { norm: this.norm, options: this.norm.passOptions(this.relu !== null) })
  }

  /** Each part with its state-dict path, given `path`, where this module stands (its conv's, `layer1.0.conv1`). */
  partPaths(path: string): [string, Module][] {
    const parent = path === this.partNames[0] ? '' : path.slice(0, path.length - this.partNames[0].length - 1)
    return this.namedChildren().map(([name, part]) => [parent ? `${parent}.${name}` : name, part])
  }
}

/**
 * A module whose forward runs some of its fields as conv → batch norm (→ ReLU), named field by field, for the
 * fusion pass (torchvision's quantizable blocks list theirs in `fuse_model` the same way).
 */
export interface DeclaresConvChains {
  /** Each chain as field names: the conv's, the batch norm's, and the ReLU's when one follows. */
  convChains(): readonly (readonly string[])[]
}

const declaresConvChains = (module: Module): module is Module & DeclaresConvChains =>
  typeof (module as Partial<DeclaresConvChains>).convChains === 'function'

/** In a Sequential, each Conv2d directly followed by a BatchNorm2d (and a ReLU), fused in place. */
function fuseLayers(sequential: Sequential): void {
  const { layers } = sequential
  for (let i = 0; i + 1 < layers.length; i++) {
    const [conv, norm, next] = [layers[i], layers[i + 1], layers[i + 2]]
    if (!(conv instanceof Conv2d && norm instanceof BatchNorm2d)) continue
    const relu = next instanceof ReLU ? next : null
    const span = relu ? 3 : 2
    layers[i] = new ConvBatchNorm2d(conv, norm, relu, Array.from({ length: span }, (_, k) => String(i + k)))
    for (let k = 1; k < span; k++) layers[i + k] = new Identity()
  }
}

/** The fields a module names in `convChains`, fused in place (a chain fused already is left as it is). */
function fuseFields(module: Module & DeclaresConvChains): void {
  const fields = module as unknown as Record<string, Module>
  for (const names of module.convChains()) {
    const [conv, norm, relu] = names.map((name) => fields[name])
    if (conv instanceof ConvBatchNorm2d) continue
    if (!(conv instanceof Conv2d && norm instanceof BatchNorm2d && (relu === undefined || relu instanceof ReLU))) {
      throw new Error(`${module.constructor.name}: ${names.join(' → ')} is not a Conv2d → BatchNorm2d${names.length > 2 ? ' → ReLU' : ''} chain`)
    }
    fields[names[0]] = new ConvBatchNorm2d(conv, norm, relu ?? null, names)
    for (const name of names.slice(1)) fields[name] = new Identity()
  }
}

/**
 * PyTorch's `fuse_modules` for conv → batch norm (→ ReLU), in place through the whole tree: each chain becomes a
 * `ConvBatchNorm2d` standing where its conv stood, and `Identity` where the others stood. The same losses bit for
 * bit, faster; the printout (`String(model)`) shows what was fused. Returns `model`.
 */
export function fuseConvBatchNorm<M extends Module>(model: M): M {
  if (model instanceof Sequential) fuseLayers(model)
  if (declaresConvChains(model)) fuseFields(model)
  for (const [, child] of model.namedChildren()) fuseConvBatchNorm(child)
  return model
}

/**
 * A module's children as the plain model had them: a fused module's parts in its place, and without the
 * Identities it left. For consumers that go layer by layer (PyTorch code, fine-tuning's layer groups).
 */
export function plainChildren(module: Module): [string, Module][] {
  const children = module.namedChildren()
  const parts = children.flatMap(([name, child]): [string, Module][] => (child.keepsPartNames ? child.namedChildren() : [[name, child]]))
  const partNames = new Set(children.filter(([, child]) => child.keepsPartNames).flatMap(([, child]) => child.namedChildren().map(([name]) => name)))
  return parts.filter(([name, child]) => !(child instanceof Identity && partNames.has(name)))
}
