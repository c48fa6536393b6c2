import type { LabEvent } from '../../../shared/lab'
import { GraphPanel, LadderState, LearnedPanel, NudgePanel, StepPanel } from './lab-model-panels.svelte'
import { BroadcastPanel, DerivativePanel, PixelsPanel, SgdPanel } from './lab-panels.svelte'

export { ImageChoice, LabRequest } from './lab-request.svelte'

/** The Lab's panels, numbered as the chapter's ideas (and shown in that order). */
export const LAB_PANELS = [
  { id: 'pixels', number: 1, title: 'Pixels', hint: 'Pixels and the ideal digit: distances to every class mean' },
  { id: 'broadcast', number: 2, title: 'Broadcasting', hint: 'Broadcasting, traced: shapes flowing through each op' },
  { id: 'sgd', number: 3, title: 'SGD', hint: 'SGD by hand on the roller coaster: step, and try learning rates' },
  { id: 'derivative', number: 4, title: 'Derivative', hint: 'The derivative: drag a point, see autograd’s slope and the tangent' },
  { id: 'nudge', number: 5, title: 'Loss vs accuracy', hint: 'Why not accuracy as the loss: nudge one weight of the trained linear model' },
  { id: 'step', number: 6, title: 'Step', hint: 'Step the real model: one mini-batch at a time on your data' },
  { id: 'learned', number: 7, title: 'Learned', hint: 'What the model learned: weights as images, and saliency' },
  { id: 'graph', number: 8, title: 'Graph', hint: 'The autograd graph of one prediction, and Check gradients' },
  { id: 'ladder', number: 9, title: 'Ladder', hint: 'The model ladder: pixel similarity to ResNet-18 on the same split and seed' },
] as const

export type LabPanelId = (typeof LAB_PANELS)[number]['id']

/** Which panel shows, and each panel's state. */
class Lab {
  panel = $state<LabPanelId>('pixels')
  readonly pixels = new PixelsPanel()
  readonly broadcast = new BroadcastPanel()
  readonly sgd = new SgdPanel()
  readonly derivative = new DerivativePanel()
  readonly graph = new GraphPanel()
  readonly step = new StepPanel()
  readonly learned = new LearnedPanel()
  readonly nudge = new NudgePanel()
  readonly ladder = new LadderState()

  /** An event from main: the ladder moved; a Lab model it (or a run of the Train view) just trained is shown afresh. */
  receive(event: LabEvent): void {
    if (event.kind === 'baseline') return void (this.pixels.progress = { done: event.done, total: event.total })
    const before = this.ladder.view
    this.ladder.receive(event.ladder)
    const finished = event.ladder.rows.filter((row) => {
      const old = before?.rows.find((o) => o.kind === row.kind)
      return row.status !== 'training' && (old?.status === 'training' || (row.from === 'train-view' && old?.seconds !== row.seconds))
    })
    if (finished.some((row) => row.kind === this.learned.model)) this.learned.refresh()
    if (finished.some((row) => row.kind === this.graph.model)) this.graph.refresh()
    if (finished.some((row) => row.kind === 'linear')) void this.nudge.pick(null)
  }
}

export const lab = new Lab()
