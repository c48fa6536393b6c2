/**
 * A Svelte attachment that makes an element a drop target: `onover` hears whether something is
 * dragged over it, `ondrop` gets the drop (the browser's own handling, opening the file, prevented).
 */
export function dropTarget(onover: (over: boolean) => void, ondrop: (event: DragEvent) => void): (node: HTMLElement) => () => void {
  return (node) => {
    const over = (event: DragEvent): void => {
      event.preventDefault()
      onover(true)
    }
    const leave = (): void => onover(false)
    const drop = (event: DragEvent): void => {
      event.preventDefault()
      onover(false)
      ondrop(event)
    }
    node.addEventListener('dragover', over)
    node.addEventListener('dragleave', leave)
    node.addEventListener('drop', drop)
    return () => {
      node.removeEventListener('dragover', over)
      node.removeEventListener('dragleave', leave)
      node.removeEventListener('drop', drop)
    }
  }
}
