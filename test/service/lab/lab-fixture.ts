import { DigitLabService } from '../../../src/main/service/digit-lab-service'
import type { AppEvent } from '../../../src/shared/api'

/** A service with MNIST 3 vs 7 open, once per test file, and the events it sent. */
export async function labService(): Promise<{ service: DigitLabService; events: AppEvent[] }> {
  const events: AppEvent[] = []
  const service = new DigitLabService({ version: 'lab-test', emit: (event) => events.push(event) })
  await service.openSample('mnist-sample')
  return { service, events }
}

/** The pixels of a reply's image as floats in 0..1. */
export const floats = (base64: string): Float64Array => Float64Array.from(Buffer.from(base64, 'base64'), (v) => v / 255)
