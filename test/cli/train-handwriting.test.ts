import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runTrainCommand } from '../../src/main/cli/train'
import type { HandwritingSummary } from '../../src/main/cli/train-handwriting'
import { UsageError } from '../../src/main/cli/usage'
import { capture } from '../helpers/capture'
import { HANDWRITING_STYLES, writeDrawingsFolder } from '../helpers/handwriting'
import { tempFolder } from '../helpers/temp-folder'

describe('digit-lab train --recipe handwriting', () => {
  it('fine-tunes on drawings the MNIST CNN misreads and prints the drawings and MNIST test, before and after', async () => {
    const folder = await writeDrawingsFolder(await tempFolder('cli-handwriting'), HANDWRITING_STYLES, 5, 1000)
    const { stream, lines } = capture()
    const onnx = join(await tempFolder('cli-handwriting-onnx'), 'mine.onnx')
    const summary = (await runTrainCommand(['--data', folder, '--recipe', 'handwriting', '--export', onnx], stream)) as HandwritingSummary
    expect(lines[0]).toBe('fine-tuning MNIST CNN on 15 drawings (3 ×5, 8 ×5, 9 ×5) mixed with MNIST training digits')
    expect(lines.slice(-3)).toEqual([
      'accuracy on             before   after     change',
      expect.stringMatching(/^your drawings \(15\) +0\.0% +(9\d|100)\.\d% +\+\d+\.\d pt$/),
      expect.stringMatching(/^MNIST test \(10,000\) +98\.88% +\d\d\.\d\d% +[+−]\d\.\d\d pt$/),
    ])
    expect(lines).toContain(`exported ${onnx} (${((await stat(onnx)).size / 1024).toFixed(1)} KB)`)
    expect(summary.drawings.before).toBe(0)
    expect(summary.drawings.after).toBeGreaterThanOrEqual(0.9)
    expect(summary.mnistTest.before - summary.mnistTest.after!).toBeLessThan(0.01)
  })

  it('refuses a start from scratch and a folder without digit folders, saying what to do', async () => {
    await expect(runTrainCommand(['--data', await tempFolder('cli-handwriting-empty'), '--recipe', 'handwriting'], capture().stream)).rejects.toThrow(/holds no drawings to learn from/)
    await expect(runTrainCommand(['--data', 'x', '--recipe', 'handwriting', '--from', 'scratch'], capture().stream)).rejects.toThrow(UsageError)
    await expect(runTrainCommand(['--recipe', 'shapes'], capture().stream)).rejects.toThrow(UsageError)
  })
})
