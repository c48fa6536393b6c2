/**
 * Poll `probe` until `done(value)` holds, and return the last value either way: the caller's assertion on it
 * then fails with the real value if the deadline passed. Never a fixed sleep: a fast machine returns at once.
 */
export async function eventually<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await probe()
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    value = await probe()
  }
  return value
}

/** Poll `probe` until it returns the same value `times` times in a row (a count that has settled), and return it. */
export async function settled<T>(probe: () => T, times = 5, timeoutMs = 10_000): Promise<T> {
  let last = probe()
  let same = 0
  await eventually(
    () => probe(),
    (value) => {
      same = value === last ? same + 1 : 0
      last = value
      return same >= times
    },
    timeoutMs,
  )
  return last
}
