import { createLearner, fitFromConfig, type DigitDataset, type Module } from '../../../src/main/engine'
import { DigitLabService } from '../../../src/main/service/digit-lab-service'
import { defaultTrainingConfig } from '../../../src/shared/training'
import type { AppEvent } from '../../../src/shared/api'
import { tempFolder } from '../../helpers/temp-folder'

/** A service with MNIST 3 vs 7 open, once per test file, and the events it sent. */
export async function labService(): Promise<{ service: DigitLabService; events: AppEvent[] }> {
  const events: AppEvent[] = []
  const service = new DigitLabService({ version: 'lab-test', emit: (event) => events.push(event) })
  await service.openSample('mnist-sample')
  return { service, events }
}

/** The pixels of a reply's image as floats in 0..1. */
export const floats = (base64: string): Float64Array => Float64Array.from(Buffer.from(base64, 'base64'), (v) => v / 255)

/** A folder of three classes of 28×28 PNGs (a ring, a bar, a cross), `per` each, as a user might drop in. */
export async function threeClassFolder(per = 10): Promise<string> {
  const { mkdir } = await import('node:fs/promises')
  const { join } = await import('node:path')
  const sharp = (await import('sharp')).default
  const root = await tempFolder('lab')
  for (const label of ['0', '1', '2']) {
    await mkdir(join(root, label))
    for (let i = 0; i < per; i++) {
      const pixels = Buffer.alloc(28 * 28)
      for (let y = 4; y < 24; y++) {
        for (let x = 4; x < 24; x++) {
          const shift = (i % 3) - 1
          const ink = label === '0' ? Math.abs(Math.hypot(x - 14, y - 14) - 7) < 1.5 : label === '1' ? Math.abs(x - 14 - shift) < 2 : Math.abs(x - y - shift) < 2 || Math.abs(x + y - 28) < 2
          if (ink) pixels[y * 28 + x] = 200 + i
        }
      }
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, label, `${i}.png`))
    }
  }
  return root
}

/**
 * A Lab model as a panel that looks inside it sees it when nothing trained it before: the chapter's recipe from
 * the Lab's seed, trained here (MNIST_SAMPLE takes the chapter's epochs whole), which gives the same bits.
 */
export async function chapterTrained(data: DigitDataset, kind: 'linear' | 'simple_net'): Promise<Module> {
  const config = { ...defaultTrainingConfig(kind, 2), seed: 42 }
  const learner = createLearner(data, config)
  await fitFromConfig(learner, config)
  return learner.model
}
