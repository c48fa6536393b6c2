/**
 * The channel (`domain:verb`) of every Lab api function. Import-free, like `channels.ts`, which
 * spreads it into the app's channels; `lab.ts` pairs each name with its argument schema.
 */
export const LAB_CHANNELS = {
  labPixels: 'lab:pixels',
  labBroadcast: 'lab:broadcast',
  labSgd: 'lab:sgd',
  labDerivative: 'lab:derivative',
  labGraph: 'lab:graph',
  labStep: 'lab:step',
  labResetModel: 'lab:reset-model',
  labNudge: 'lab:nudge',
  labWeights: 'lab:weights',
  labSaliency: 'lab:saliency',
  labTrain: 'lab:train',
  labStopTraining: 'lab:stop-training',
  labLadder: 'lab:ladder',
} as const

export type LabApiName = keyof typeof LAB_CHANNELS
