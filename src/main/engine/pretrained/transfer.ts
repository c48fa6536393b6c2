import type { ModelSpec } from '../../../shared/models'
import { Linear, Sequential } from '../nn/layers'
import type { Module } from '../nn/module'

/** Weights a run starts from: a built-in starting point or a saved project's model, with the labels of its head. */
export interface StartWeights {
  /** How a person knows it: "MNIST CNN", or the project's file name. */
  readonly name: string
  readonly model: ModelSpec
  readonly labelNames: readonly string[]
  readonly state: Readonly<Record<string, Float32Array>>
}

/**
 * The digit a label names, or null: a name made only of decimal digits whose value is 0–9. So `7` and `07`
 * (zero-padded, as people number folders to keep them sorted) are both the digit 7; `7a`, `seven`, ` 7` or
 * `10` are not digits.
 */
export function digitOf(name: string): number | null {
  return /^[0-9]+$/.test(name) && Number(name) <= 9 ? Number(name) : null
}

/** A label compared with another by the digit it names, else by its exact name. */
const labelKey = (name: string): string => {
  const digit = digitOf(name)
  return digit === null ? `name:${name}` : `digit:${digit}`
}

/**
 * Which row of a trained head each of `labels` keeps: every label must name one of the head's classes (`07`
 * names the head's `7`), no two the same one. Any subset in any order matches (`3`, `7` keep the rows of 3
 * and 7); otherwise null, and the run gets a fresh head on the trained body.
 */
export function matchLabels(headLabels: readonly string[], labels: readonly string[]): number[] | null {
  const rows = new Map(headLabels.map((name, row) => [labelKey(name), row]))
  const matched = labels.map((name) => rows.get(labelKey(name)))
  if (matched.some((row) => row === undefined)) return null
  if (new Set(matched).size !== matched.length) return null
  return matched as number[]
}

/** The state-dict prefix of a model's classifier (its last Linear layer): what a new label set replaces. */
export function headPrefix(model: Module): string {
  if (model instanceof Sequential && model.layers.at(-1) instanceof Linear) return `${model.layers.length - 1}.`
  throw new Error('this model has no final linear layer to replace; a starting point applies to the CNN')
}

/** What a start did with the head: the rows of these head classes kept (one per label, in order), or a fresh head. */
export type HeadTransfer = { readonly kind: 'kept'; readonly rows: readonly number[] } | { readonly kind: 'fresh' }

/**
 * Load a start's weights into a freshly built model: every layer of the body as it was trained, and the head's
 * rows for the labels it knows (`matchLabels`), or the model's own fresh head when the labels are others.
 * The model must be the start's architecture.
 */
export function transferWeights(model: Module, spec: ModelSpec, labels: readonly string[], start: StartWeights): HeadTransfer {
  if (JSON.stringify(spec) !== JSON.stringify(start.model)) {
    throw new Error(`${start.name} is a ${describe(start.model)}; this run's model is a ${describe(spec)}: pick that model, or start from scratch`)
  }
  const head = headPrefix(model)
  const rows = matchLabels(start.labelNames, labels)
  const state = model.stateDict()
  for (const [name, values] of Object.entries(state)) {
    const saved = start.state[name]
    if (!saved) throw new Error(`${start.name} has no weights "${name}"`)
    if (!name.startsWith(head)) {
      if (saved.length !== values.length) throw new Error(`${start.name}'s "${name}" has ${saved.length} values, the model needs ${values.length}`)
      values.set(saved)
    } else if (rows) {
      const width = saved.length / start.labelNames.length
      rows.forEach((row, i) => values.set(saved.subarray(row * width, (row + 1) * width), i * width))
    }
  }
  model.loadStateDict(state)
  return rows ? { kind: 'kept', rows } : { kind: 'fresh' }
}

function describe(spec: ModelSpec): string {
  return spec.kind === 'cnn' ? `CNN ${spec.channels.join('-')}` : spec.kind
}
