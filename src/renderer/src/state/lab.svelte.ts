import type { LabEvent } from '../../../shared/lab'
import type { LabPanelId } from '../components/lab/registry'
import { GraphPanel, LadderState, LearnedPanel, NudgePanel, StepPanel } from './lab-model-panels.svelte'
import { BroadcastPanel, DerivativePanel, PixelsPanel, SgdPanel } from './lab-panels.svelte'

export { ImageChoice, LabRequest } from './lab-request.svelte'

/** Which panel shows, and each panel's state. */
class Lab {
  panel = $state<LabPanelId>('pixels')
  readonly pixels = new PixelsPanel()
  readonly broadcast = new BroadcastPanel()
  readonly sgd = new SgdPanel()
  readonly derivative = new DerivativePanel()
  readonly ladder = new LadderState()
  readonly graph = new GraphPanel(this.ladder)
  readonly step = new StepPanel()
  readonly learned = new LearnedPanel(this.ladder)
  readonly nudge = new NudgePanel()

  /** An event from main: the ladder moved; a Lab model it (or a run of the Train view) just trained is shown afresh. */
  receive(event: LabEvent): void {
    if (event.kind === 'baseline') return void (this.pixels.progress = { done: event.done, total: event.total })
    const before = this.ladder.view
    this.ladder.receive(event.ladder)
    const finished = event.ladder.rows.filter((row) => {
      const old = before?.rows.find((o) => o.kind === row.kind)
      return row.status !== 'training' && (old?.status === 'training' || (row.from === 'train-view' && old?.seconds !== row.seconds))
    })
    // A model the Train view just left becomes what Learned and Graph show (they ask when they next open, or now if shown).
    const trained = event.ladder.trained !== null && event.ladder.trained.run !== before?.trained?.run
    if (trained) [this.learned.model, this.graph.model] = [null, null]
    if ((trained && this.learned.weights.reply) || finished.some((row) => row.kind === this.learned.model)) this.learned.refresh()
    if ((trained && this.graph.request.reply) || finished.some((row) => row.kind === this.graph.model)) this.graph.refresh()
    if (finished.some((row) => row.kind === 'linear')) void this.nudge.pick(null)
  }
}

export const lab = new Lab()
