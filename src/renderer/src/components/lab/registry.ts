import type { Component } from 'svelte'
import BroadcastPanel from './BroadcastPanel.svelte'
import DerivativePanel from './DerivativePanel.svelte'
import GraphPanel from './GraphPanel.svelte'
import LadderPanel from './LadderPanel.svelte'
import LearnedPanel from './LearnedPanel.svelte'
import NudgePanel from './NudgePanel.svelte'
import PixelsPanel from './PixelsPanel.svelte'
import SgdPanel from './SgdPanel.svelte'
import StepPanel from './StepPanel.svelte'

/** One Lab panel: its tab, its heading and the component that draws it. */
export interface LabPanelEntry {
  readonly id: string
  /** Numbered as the chapter's ideas, and shown in that order. */
  readonly number: number
  /** The tab's short title. */
  readonly title: string
  /** The panel's own heading. */
  readonly heading: string
  /** The tab's tooltip. */
  readonly hint: string
  readonly component: Component
}

/** The Lab's panels: the one list the tabs, the headings and the view are drawn from. */
export const LAB_PANELS = [
  { id: 'pixels', number: 1, title: 'Pixels', heading: 'Pixels and the ideal digit', hint: 'Pixels and the ideal digit: distances to every class mean', component: PixelsPanel },
  { id: 'broadcast', number: 2, title: 'Broadcasting', heading: 'Broadcasting, traced', hint: 'Broadcasting, traced: shapes flowing through each op', component: BroadcastPanel },
  { id: 'sgd', number: 3, title: 'SGD', heading: 'SGD by hand on the roller coaster', hint: 'SGD by hand on the roller coaster: step, and try learning rates', component: SgdPanel },
  { id: 'derivative', number: 4, title: 'Derivative', heading: 'The derivative', hint: 'The derivative: drag a point, see autograd’s slope and the tangent', component: DerivativePanel },
  { id: 'nudge', number: 5, title: 'Loss vs accuracy', heading: 'Why not accuracy as the loss', hint: 'Why not accuracy as the loss: nudge one weight of the trained linear model', component: NudgePanel },
  { id: 'step', number: 6, title: 'Step', heading: 'Step the real model', hint: 'Step the real model: one mini-batch at a time on your data', component: StepPanel },
  { id: 'learned', number: 7, title: 'Learned', heading: 'What the model learned', hint: 'What the model learned: weights as images, and saliency', component: LearnedPanel },
  { id: 'graph', number: 8, title: 'Graph', heading: 'The autograd graph', hint: 'The autograd graph of one prediction, and Check gradients', component: GraphPanel },
  { id: 'ladder', number: 9, title: 'Ladder', heading: 'The model ladder', hint: 'The model ladder: pixel similarity to ResNet-18 on the same split and seed', component: LadderPanel },
] as const satisfies readonly LabPanelEntry[]

export type LabPanelId = (typeof LAB_PANELS)[number]['id']
