import { MODEL_DESCRIPTIONS, type ModelKind } from '../../../shared/models'

/** A model's description split for display: "Title: what it is" gives its title and its text, a sentence of its own. */
export function describeModel(kind: ModelKind): { readonly title: string; readonly text: string } {
  const description = MODEL_DESCRIPTIONS[kind] ?? kind
  const colon = description.indexOf(': ')
  if (colon <= 0) return { title: kind, text: description }
  const text = description.slice(colon + 2)
  return { title: description.slice(0, colon), text: text.charAt(0).toUpperCase() + text.slice(1) }
}
