import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { DigitLabService, type ServiceOptions } from '../../src/main/service/digit-lab-service'
import type { AppEvent } from '../../src/shared/api'
import { tempFolder } from '../helpers/temp-folder'

/** Resolves once an event matching `found` has been emitted. */
export function eventually(events: AppEvent[], found: (event: AppEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const wait = setInterval(() => events.some(found) && (clearInterval(wait), resolve()), 20)
  })
}

export const finished = (event: AppEvent): boolean => event.kind === 'training' && event.event.kind === 'finished'
export const modelReady = (event: AppEvent): boolean => event.kind === 'model'

/** A service with the real engine and worker, and the events it emitted. */
export function service(options: Partial<ServiceOptions> = {}) {
  const events: AppEvent[] = []
  return { service: new DigitLabService({ version: 'test', emit: (event) => events.push(event), ...options }), events }
}

/** A folder with 12 small PNG digits per class in `<label>/` folders (a bar for "1", a ring for "0"), plus one broken file. */
export async function digitFolder(): Promise<string> {
  const root = await tempFolder('service')
  for (const label of ['0', '1']) {
    await mkdir(join(root, label))
    for (let i = 0; i < 12; i++) {
      const pixels = Buffer.alloc(28 * 28)
      for (let y = 4; y < 24; y++) {
        for (let x = 4; x < 24; x++) {
          const r = Math.hypot(x - 14, y - 14)
          const ink = label === '1' ? Math.abs(x - 14 - (i % 3)) < 2 : Math.abs(r - 7 - (i % 2)) < 1.5
          if (ink) pixels[y * 28 + x] = 255
        }
      }
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, label, `${i}.png`))
    }
  }
  await writeFile(join(root, '1', 'broken.png'), 'not a png')
  return root
}
