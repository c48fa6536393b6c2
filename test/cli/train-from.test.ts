import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli'
import { runTrain } from '../../src/main/cli/train'
import { capture } from '../helpers/capture'
import { writeMixedDigitFolder } from '../helpers/mixed-digits'
import { tempFolder } from '../helpers/temp-folder'

describe('digit-lab train --from', () => {
  it('keeps the chapter on a built-in dataset (no plan), and plans a folder', async () => {
    const chapter = await runTrain(['--model', 'linear', '--epochs', '1', '--json'], capture().stream)
    expect(chapter.plan).toBeUndefined()
    expect(chapter.before).toBeUndefined()
    const folder = await writeMixedDigitFolder(await tempFolder('from'), { digits: [3, 7], perClass: 10 })
    const { stream, lines } = capture()
    const scratch = await runTrain(['--data', folder, '--from', 'scratch', '--epochs', '2'], stream)
    expect(lines[0]).toMatch(/^Train the CNN from scratch \(random weights\): 2 epochs × 1 step = 2 optimizer steps in batches of 16/)
    expect(lines).toContain('note: Only 2 optimizer steps: the model will barely change. Choose more epochs, or add images.')
    expect(scratch.plan?.start).toEqual({ kind: 'scratch' })
    expect(scratch.before).toBeUndefined()
  }, 120_000)

  it('starts from a saved project’s model, keeping the rows of the labels it knows', async () => {
    const root = await tempFolder('from-project')
    const digits = await writeMixedDigitFolder(join(root, 'digits'), { digits: [3, 7], perClass: 10 })
    const project = join(root, 'run.digitlab')
    await runTrain(['--data', digits, '--epochs', '2', '--project', project], capture().stream)
    const { stream, lines } = capture()
    const summary = await runTrain(['--data', digits, '--from', project, '--epochs', '2', '--json'], stream)
    expect(summary.plan?.start).toEqual({ kind: 'project', name: 'run.digitlab', head: 'kept', keptLabels: ['3', '7'] })
    expect(summary.before?.accuracy).toBeGreaterThan(0.7)
    expect(JSON.parse(lines.at(-1)!).plan.summary).toMatch(/^Fine-tune run\.digitlab keeping its outputs for 3, 7/)
  }, 120_000)

  it('refuses a start it does not know, and a model the start is not, saying what to do', async () => {
    const errors: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write
    try {
      expect(await main(['train', '--from', 'imagenet'])).toBe(2)
      const folder = await writeMixedDigitFolder(await tempFolder('from-bad'), { digits: [1, 2], perClass: 5 })
      expect(await main(['train', '--data', folder, '--from', 'mnist-cnn', '--model', 'linear'])).toBe(2)
    } finally {
      process.stderr.write = write
    }
    expect(errors.join('')).toMatch(/--from must be mnist-cnn, scratch or a project file \(\.digitlab\); got "imagenet"/)
    expect(errors.join('')).toMatch(/--from mnist-cnn starts a cnn model; drop --model linear, or add --from scratch/)
  }, 120_000)
})
