import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runTrain } from '../../src/main/cli/train'
import { DrawingCollection } from '../../src/main/service/drawing-collection'
import { PERSONAL_DATASET } from '../../src/shared/collect'
import { capture } from '../helpers/capture'
import { drawingRequest } from '../helpers/drawings'
import { tempFolder } from '../helpers/temp-folder'

describe('digit-lab train on drawings the app collected', () => {
  it('reads the personal dataset as a plain folder of class folders, and learns it', async () => {
    const data = await tempFolder('collect-cli')
    const collection = new DrawingCollection(() => null, { dataFolder: data })
    for (const label of ['0', '1']) for (let i = 0; i < 10; i++) await collection.save(drawingRequest(label, i))
    const folder = join(data, 'datasets', PERSONAL_DATASET)
    const { stream, lines } = capture()
    const result = await runTrain(['--data', folder, '--model', 'linear', '--from', 'scratch', '--epochs', '5', '--bs', '4', '--seed', '1'], stream)
    expect(lines.at(-1)).toMatch(/^linear on .*My handwriting: accuracy/)
    // 20 drawings, 80/20 per class: 16 to train on, 4 to check.
    expect(result.accuracy).toBe(1)
  }, 60_000)
})
