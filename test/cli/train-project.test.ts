import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli'
import { runTrain } from '../../src/main/cli/train'
import { capture } from '../helpers/capture'
import { tempFolder } from '../helpers/temp-folder'

/** The JSON epoch rows a run printed. */
async function epochs(argv: string[]): Promise<{ epoch: number; trainLoss: number; validLoss: number }[]> {
  const { stream, lines } = capture()
  await runTrain([...argv, '--json'], stream)
  return lines
    .map((line) => JSON.parse(line))
    .filter((row) => 'epoch' in row && !('model' in row))
    .map(({ epoch, trainLoss, validLoss }) => ({ epoch, trainLoss, validLoss }))
}

describe('digit-lab train --project / --resume', () => {
  it('continues a saved run exactly as if it had never stopped', async () => {
    const folder = await tempFolder('project')
    const path = join(folder, 'run.digitlab')
    const recipe = ['--model', 'simple_net', '--momentum', '0.9', '--seed', '4']
    const uninterrupted = await epochs([...recipe, '--epochs', '3'])
    const first = await epochs([...recipe, '--epochs', '2', '--project', path])
    const resumed = await epochs(['--resume', path, '--epochs', '1'])
    expect(first).toEqual(uninterrupted.slice(0, 2))
    expect(resumed).toHaveLength(1)
    expect(resumed[0].epoch).toBe(2)
    expect(resumed[0].trainLoss).toBe(uninterrupted[2].trainLoss)
    expect(resumed[0].validLoss).toBe(uninterrupted[2].validLoss)
  })

  it('refuses settings that would contradict the project, and a file that is not one', async () => {
    const folder = await tempFolder('project')
    expect(await main(['train', '--resume', join(folder, 'x.digitlab'), '--lr', '0.5'])).toBe(2)
    expect(await main(['train', '--resume', join(folder, 'missing.digitlab')])).toBe(1)
  })
})
