/** One of the items the model got most wrong (or least sure right). */
export interface TopLoss {
  /** Position of the item in the validation split. */
  readonly index: number
  readonly actual: string
  readonly predicted: string
  readonly loss: number
  /** The probability the model gave its predicted class. */
  readonly probability: number
}

/** How often items of class `actual` were taken for class `predicted`. */
export interface ConfusedPair {
  readonly actual: string
  readonly predicted: string
  readonly count: number
}

/** Where the last trained model is wrong on the validation split, as fastai's interpretation shows it. */
export interface InterpretationView {
  readonly labels: readonly string[]
  /** confusion[actual][predicted] = number of validation images. */
  readonly confusion: readonly (readonly number[])[]
  /** The actual class of every validation image, by position. */
  readonly actual: readonly number[]
  /** The predicted class of every validation image, by position: with `actual`, the images behind each cell. */
  readonly predicted: readonly number[]
  readonly topLosses: readonly TopLoss[]
  readonly mostConfused: readonly ConfusedPair[]
}

/** The rules fastai offers for reading a suggestion off the learning-rate finder's curve. */
export type LrSuggestionRule = 'valley' | 'minimum' | 'steep'

export interface LrFindResult {
  /** The learning rate of every step of the sweep. */
  readonly lrs: readonly number[]
  /** The smoothed loss after every step (fastai's debiased moving average, β = 0.98): the curve to plot. */
  readonly losses: readonly number[]
  readonly rawLosses: readonly number[]
  readonly suggestion: { readonly lr: number; readonly rule: LrSuggestionRule; readonly description: string }
  readonly suggestions: Readonly<Record<LrSuggestionRule, number>>
  /** Why the sweep ended: all steps done, loss above 4× its minimum, a non-finite loss, or Stop. */
  readonly stopReason: 'completed' | 'diverged' | 'non-finite' | 'stopped'
}
