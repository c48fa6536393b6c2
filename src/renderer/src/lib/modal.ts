/** A Svelte attachment: the dialog opens modal when it appears, and closes when it goes. */
export function modal(dialog: HTMLDialogElement): () => void {
  dialog.showModal()
  return () => dialog.close()
}
