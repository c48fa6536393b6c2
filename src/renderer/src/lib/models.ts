import { MODEL_DESCRIPTIONS, type ModelKind } from '../../../shared/models'

/** A model's description split for display: "Title: what it is" gives its title and its text. */
export function describeModel(kind: ModelKind): { readonly title: string; readonly text: string } {
  const description = MODEL_DESCRIPTIONS[kind] ?? kind
  const colon = description.indexOf(': ')
  return colon > 0 ? { title: description.slice(0, colon), text: description.slice(colon + 2) } : { title: kind, text: description }
}
