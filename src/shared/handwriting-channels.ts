/**
 * The channel (`domain:verb`) of each "Fine-tune on my handwriting" api function. Import-free, like `channels.ts`,
 * which spreads it into the app's channels; `handwriting.ts` pairs each name with its argument schema.
 */
export const HANDWRITING_CHANNELS = {
  handwritingDrawings: 'handwriting:drawings',
  fineTuneHandwriting: 'handwriting:fine-tune',
  undoHandwriting: 'handwriting:undo',
} as const
