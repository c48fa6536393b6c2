/**
 * Pass on at most `perSecond` values a second, always including the ones `mustSend` marks (such as
 * the last of a series), so a flood of progress reports reaches the UI as a smooth trickle.
 */
export function throttle<T>(send: (value: T) => void, perSecond: number, mustSend: (value: T) => boolean): (value: T) => void {
  let last = -Infinity
  return (value) => {
    const now = performance.now()
    if (!mustSend(value) && now - last < 1000 / perSecond) return
    last = now
    send(value)
  }
}
