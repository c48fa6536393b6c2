import { SAMPLE_DATASETS } from '../../../shared/datasets'
import type { StartChoice, TrainingPlan } from '../../../shared/training-plan'
import { errorText } from '../lib/error-text'
import { dataset } from './dataset.svelte'
import { project } from './project.svelte'

/** Where the CNN's weights start, as the Train view offers it: the MNIST CNN, random weights, or the project opened. */
export type StartOption = 'pretrained' | 'scratch' | 'project'

export const START_TITLES: Readonly<Record<StartOption, string>> = { pretrained: 'MNIST CNN', scratch: 'Scratch', project: 'Saved project' }

/**
 * The run the app plans for the open dataset before Train is pressed (main's `planTraining`): its start, length,
 * estimated time and warnings. A plan belongs to the dataset and start it was made for; another shows none until
 * it is asked again.
 */
class TrainPlanState {
  start = $state<StartOption>('pretrained')
  error = $state<string | null>(null)
  #entry = $state.raw<{ readonly key: string; readonly plan: TrainingPlan } | null>(null)

  /**
   * A person's own data (not a built-in sample) trains as main plans it: the built-ins keep the chapter's
   * settings, from scratch, as `digit-lab train --data mnist` does.
   */
  readonly applies = $derived(dataset.view !== null && !(SAMPLE_DATASETS as readonly string[]).includes(dataset.view.source))
  /** The project a "Saved project" start reads: the one held, when it has a file. */
  readonly projectPath = $derived(project.view?.path ?? null)
  readonly choice = $derived<StartChoice | null>(
    this.start === 'scratch' ? { kind: 'scratch' } : this.start === 'project' ? (this.projectPath ? { kind: 'project', path: this.projectPath } : null) : { kind: 'auto' },
  )
  /** What a plan is asked for: the dataset open and the start chosen. */
  readonly key = $derived(dataset.view && this.applies && this.choice ? JSON.stringify([dataset.view.source, dataset.view.images, this.choice]) : null)
  readonly plan = $derived(this.#entry && this.#entry.key === this.key ? this.#entry.plan : null)

  /** Ask main for the plan of the dataset and start chosen now (nothing when it is already here). */
  async refresh(): Promise<void> {
    const { key, choice } = this
    if (!key || !choice || this.#entry?.key === key) return
    try {
      const plan = await window.api.planTraining({ start: choice })
      this.#entry = { key, plan }
      this.error = null
    } catch (error) {
      this.error = errorText(error)
    }
  }
}

export const trainPlan = new TrainPlanState()
