import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultTrainingConfig } from '../../src/shared/training'
import { tempFolder } from '../helpers/temp-folder'
import { digitFolder, eventually, finished, service } from '../service/service-helpers'

describe('Export → PyTorch project in the app', () => {
  it('writes the run held, with its images as ImageFolder PNGs, only to a full path (a picked one on the desktop) while its data is open', async () => {
    const out = await tempFolder('pytorch-app')
    const picked = join(out, 'picked')
    const { service: app, events } = service({ writeOnlyPickedPaths: true, pickPath: async () => picked })
    try {
      await expect(app.exportPytorch({ path: picked })).rejects.toThrow('choose the folder with the Export dialog')
      expect(await app.pickPath('export-pytorch')).toBe(picked)
      await expect(app.exportPytorch({ path: picked })).rejects.toThrow('no run to export: train a model, or open a project')

      await app.openFolder(await digitFolder(), { validPercent: 25, seed: 1, polarity: 'auto', resize: 'letterbox' })
      await app.startTraining({ ...defaultTrainingConfig('simple_net', 2), epochs: 2, batchSize: 4 })
      await eventually(events, finished)
      const reply = await app.exportPytorch({ path: picked })
      expect(reply).toMatchObject({ dir: picked, images: 24 })
      expect(reply.parity.maxLogitDelta).toBeLessThanOrEqual(reply.parity.tolerance)
      expect((await readdir(picked)).sort()).toEqual(['README.md', 'check.py', 'data', 'model.onnx', 'reference-logits.safetensors', 'requirements.txt', 'train.py', 'weights.safetensors'])
      expect((await readdir(join(picked, 'data', 'valid'))).sort()).toEqual(['0', '1'])
      await expect(app.exportPytorch({ path: picked })).rejects.toThrow('is not empty')

      await app.openSample('mnist-sample')
      const browser = service({ pickPath: async () => null }).service
      await expect(browser.exportPytorch({ path: 'relative/folder' })).rejects.toThrow('is not a full path')
      await browser.close()
      expect(await app.pickPath('export-pytorch')).toBe(picked)
      await expect(app.exportPytorch({ path: picked })).rejects.toThrow(/open the run's data \(.*\) to export it/)
    } finally {
      await app.close()
    }
  }, 60_000)
})
