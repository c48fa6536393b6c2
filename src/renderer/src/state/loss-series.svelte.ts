/** fastai's smoothing of the training loss: an exponential moving average, debiased. */
export const SMOOTHING = 0.98

/**
 * Every batch loss of a run, raw and smoothed. The arrays grow in place (a chart appends from
 * them); `count` is the reactive part, so readers re-run once per batch of arrivals, not per value.
 */
export class LossSeries {
  readonly raw: number[] = []
  readonly smooth: number[] = []
  count = $state(0)
  #average = 0

  push(losses: readonly number[]): void {
    for (const loss of losses) {
      this.#average = SMOOTHING * this.#average + (1 - SMOOTHING) * loss
      this.raw.push(loss)
      this.smooth.push(this.#average / (1 - SMOOTHING ** this.raw.length))
    }
    this.count = this.raw.length
  }
}
