/**
 * Run `task` on every item with at most `limit` running at once, calling `onDone` after each.
 * A task's rejection is its own business (tasks here catch their errors); an abort stops handing
 * out new items and rejects with the signal's reason once the running ones settle.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
  onDone: (done: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0
  let done = 0
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const index = next++
      await task(items[index], index)
      onDone(++done)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  signal?.throwIfAborted()
}
