import * as v from 'valibot'

const width = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096))

/**
 * The models a user can pick, and what each needs to be built: one schema per kind, from which
 * the types are derived, so what main validates and what both sides compile against are one thing.
 */
export const ModelSpecSchema = v.variant('kind', [
  v.object({ kind: v.literal('pixel'), distance: v.picklist(['l1', 'rmse']) }),
  v.object({ kind: v.literal('linear'), init: v.picklist(['randn', 'pytorch']) }),
  v.object({ kind: v.literal('simple_net'), hidden: width }),
  v.object({ kind: v.literal('mlp'), hidden: v.pipe(v.array(width), v.minLength(1), v.maxLength(8)) }),
  /** Conv 3×3 stride 2 → batch norm → ReLU per entry of `channels`, then global average pool and linear. */
  v.object({ kind: v.literal('cnn'), channels: v.pipe(v.array(width), v.minLength(1), v.maxLength(8)) }),
  v.object({ kind: v.literal('resnet18') }),
])

export type ModelSpec = v.InferOutput<typeof ModelSpecSchema>
export type ModelKind = ModelSpec['kind']

export const MODEL_KINDS: readonly ModelKind[] = ['pixel', 'linear', 'simple_net', 'mlp', 'cnn', 'resnet18']

/** One line a person reads when picking a model. */
export const MODEL_DESCRIPTIONS: Readonly<Record<ModelKind, string>> = {
  pixel: 'Pixel similarity: compares each image with the mean image of every class; no training.',
  linear: 'Linear: one weight per pixel and class, the chapter\'s first trained model.',
  simple_net: 'simple_net: 784 → 30 → ReLU → output, the chapter\'s first neural network.',
  mlp: 'MLP: a wider multi-layer perceptron (784 → 100 → ReLU → output by default).',
  cnn: 'CNN: four 3×3 convolution–batch-norm–ReLU stages, each halving the image (16-32-64-128 channels), then average pool and linear.',
  resnet18: 'ResNet-18: torchvision\'s 18-layer residual network (64-128-256-512 channels) trained from scratch, the chapter\'s last model.',
}

/** The spec a kind starts with. */
export function defaultModelSpec(kind: ModelKind): ModelSpec {
  switch (kind) {
    case 'pixel':
      return { kind, distance: 'l1' }
    case 'linear':
      return { kind, init: 'randn' }
    case 'simple_net':
      return { kind, hidden: 30 }
    case 'mlp':
      return { kind, hidden: [100] }
    case 'cnn':
      return { kind, channels: [16, 32, 64, 128] }
    case 'resnet18':
      return { kind }
  }
}
