import { describe, expect, it } from 'vitest'
import { unpackedUrl } from '../../src/main/worker/spawn'

describe('where the built workers (training, Lab) run from', () => {
  it('is the unpacked copy beside app.asar in a packaged app, on every platform’s layout', () => {
    expect(unpackedUrl(new URL('file:///opt/Digit%20Lab/resources/app.asar/out/main/training-worker.js')).href).toBe('file:///opt/Digit%20Lab/resources/app.asar.unpacked/out/main/training-worker.js')
    expect(unpackedUrl(new URL('file:///C:/Program%20Files/Digit%20Lab/resources/app.asar/out/main/training-worker.js')).pathname).toBe('/C:/Program%20Files/Digit%20Lab/resources/app.asar.unpacked/out/main/training-worker.js')
  })

  it('is the unpacked copy for the Lab’s worker too, and the training worker it starts stays unpacked', () => {
    expect(unpackedUrl(new URL('file:///opt/Digit%20Lab/resources/app.asar/out/main/lab-worker.js')).href).toBe('file:///opt/Digit%20Lab/resources/app.asar.unpacked/out/main/lab-worker.js')
    // The Lab's worker runs from app.asar.unpacked: the ladder's training worker beside it is already a plain file.
    const beside = new URL('./training-worker.js', 'file:///opt/Digit%20Lab/resources/app.asar.unpacked/out/main/engine-abc123.js')
    expect(unpackedUrl(beside).href).toBe('file:///opt/Digit%20Lab/resources/app.asar.unpacked/out/main/training-worker.js')
  })

  it('is the file itself anywhere else (npm start, the tests)', () => {
    const built = new URL('file:///home/me/digit-lab/out/main/training-worker.js')
    expect(unpackedUrl(built).href).toBe(built.href)
    expect(unpackedUrl(new URL('file:///home/me/app.asar.d/out/main/training-worker.js')).href).toBe('file:///home/me/app.asar.d/out/main/training-worker.js')
  })
})
