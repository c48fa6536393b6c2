import { Writable } from 'node:stream'

/** A stream for a CLI command's output, and the non-empty lines written to it. */
export function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  return { stream, lines }
}
