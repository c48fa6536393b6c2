/** The models a user can pick, and what each needs to be built. Shared by the engine, CLI and UI. */
export type ModelSpec =
  | { readonly kind: 'pixel'; readonly distance: 'l1' | 'rmse' }
  | { readonly kind: 'linear'; readonly init: 'randn' | 'pytorch' }
  | { readonly kind: 'simple_net'; readonly hidden: number }
  | { readonly kind: 'mlp'; readonly hidden: readonly number[] }

export type ModelKind = ModelSpec['kind']

export const MODEL_KINDS: readonly ModelKind[] = ['pixel', 'linear', 'simple_net', 'mlp']

/** One line a person reads when picking a model. */
export const MODEL_DESCRIPTIONS: Readonly<Record<ModelKind, string>> = {
  pixel: 'Pixel similarity: compares each image with the mean image of every class; no training.',
  linear: 'Linear: one weight per pixel and class, the chapter\'s first trained model.',
  simple_net: 'simple_net: 784 → 30 → ReLU → output, the chapter\'s first neural network.',
  mlp: 'MLP: a wider multi-layer perceptron (784 → 100 → ReLU → output by default).',
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
  }
}
