import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runTrain } from '../../src/main/cli/train'
import { writeCorrections } from '../../src/main/datasets/corrections'
import { CORRECTIONS_FILE } from '../../src/shared/corrections'
import { plantedFolder } from '../datasets/planted'
import { capture } from '../helpers/capture'

describe('digit-lab train applies the corrections file', () => {
  it('trains on the corrected labels and says so: accuracy on the corrected folder rises', async () => {
    const folder = await plantedFolder(150, 60)
    const args = ['--data', folder.root, '--model', 'linear', '--epochs', '10', '--bs', '16', '--seed', '1']
    const noisy = capture()
    const before = await runTrain(args, noisy.stream)
    expect(noisy.lines.some((line) => line.startsWith('corrections:'))).toBe(false)
    await writeCorrections({ path: join(folder.root, CORRECTIONS_FILE), elsewhere: null }, folder.planted.map((file) => ({ file, action: 'relabel', label: '3' })))
    const corrected = capture()
    const after = await runTrain(args, corrected.stream)
    expect(corrected.lines[0]).toBe(`corrections: 60 relabelled (${join(folder.root, CORRECTIONS_FILE)})`)
    console.log(`CLI: accuracy ${before.accuracy.toFixed(4)} on the folder as filed, ${after.accuracy.toFixed(4)} with its corrections`)
    expect(after.accuracy).toBeGreaterThan(before.accuracy + 0.1)
    expect(after.perClassAccuracy['3']).toBeGreaterThan(0.85)
  }, 60_000)
})
