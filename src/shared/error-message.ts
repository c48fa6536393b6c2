/** What an error says, whatever was thrown: an Error's message, or anything else as text. Import-free (the preload bundles it). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
