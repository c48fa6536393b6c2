import type { Found } from './found'

/** A name's code points, to tell apart spellings that look the same (`é` is U+00E9, or U+0065 U+0301). */
const codePoints = (name: string): string => [...name].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ')

/**
 * Labels in Unicode normal form C, so `é` written precomposed (most systems) and decomposed (macOS
 * folder names, some tools) is one class, not two that look identical. Returns the found images with
 * their labels normalised, and a note for each label written more than one way, saying the folders merged.
 */
export function mergeUnicodeTwins(found: Found): { found: Found; notes: string[] } {
  const spellings = new Map<string, Set<string>>()
  const normal = (label: string): string => {
    // Nearly every label is ASCII, already in every normal form.
    if (!/[^\x00-\x7f]/.test(label)) return label
    const nfc = label.normalize('NFC')
    const seen = spellings.get(nfc) ?? new Set<string>()
    spellings.set(nfc, seen.add(label))
    return nfc
  }
  const files = found.files.map((file) => ({ ...file, label: normal(file.label) }))
  const tables = found.tables.map((table) => ({ ...table, labels: table.labels.map(normal) }))
  const notes = [...spellings]
    .filter(([, seen]) => seen.size > 1)
    .map(([nfc, seen]) => `labels ${[...seen].sort((a, b) => Number(b === nfc) - Number(a === nfc) || (a < b ? -1 : 1)).map((s) => `"${s}" (${codePoints(s)})`).join(' and ')} are the same name written ${seen.size} ways in Unicode: merged into one class "${nfc}"`)
  return { found: { ...found, files, tables }, notes }
}
