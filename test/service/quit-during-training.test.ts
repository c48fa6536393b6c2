import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openProject } from '../../src/main/storage/project-state'
import { eventually } from '../helpers/eventually'
import { recordFigures } from '../helpers/figures'
import { tempFolder } from '../helpers/temp-folder'

/** When the quit comes: between two saves, while a save is being encoded, or while its bytes are being written. */
type Moment = 'between saves' | 'encoding a save' | 'writing a save'

interface Quit {
  readonly moment: Moment
  readonly signal: NodeJS.Signals
  /** Batches trained at the last save that returned, at the save in flight, and in the file found afterwards. */
  readonly saved: number
  readonly saving: number
  readonly onDisk: number
  /** Hidden temporary files the quit left beside the project (opening it removes them). */
  readonly leftover: number
}

const temporaryFiles = async (folder: string): Promise<string[]> => (await readdir(folder)).filter((name) => name.endsWith('.tmp'))

/** Start the app training and saving; once one save is done, quit it at `moment` of the next; then open what is on disk. */
async function quitDuringTraining(folder: string, moment: Moment, signal: NodeJS.Signals): Promise<Quit> {
  const path = join(folder, 'digits.dlproj')
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/service/fixtures/train-and-save.ts', path], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  let [saved, saving, buffered] = [-1, -1, '']
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop()!
      for (const [word, count] of lines.map((line) => line.split(' '))) {
        if (word === 'saved' && (saved = Number(count)) >= 0 && moment === 'between saves') resolve()
        if (word === 'saving' && (saving = Number(count)) >= 0 && saved >= 0) resolve()
      }
    })
  })
  if (moment === 'writing a save') {
    const writing = await eventually(() => temporaryFiles(folder), (files) => files.length > 0)
    expect(writing.length, 'a save is being written when the signal is sent').toBeGreaterThan(0)
  }
  child.kill(signal)
  await exited
  const leftover = (await temporaryFiles(folder)).length
  const project = await openProject(path)
  return { moment, signal, saved, saving, onDisk: project.history.batchLosses.length, leftover }
}

describe('quitting during training', () => {
  it('loses nothing already saved: the project on disk is always one whole save, never a partial one', async () => {
    const folder = await tempFolder('quit')
    const quits: Quit[] = []
    for (const moment of ['between saves', 'encoding a save', 'writing a save'] as const) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) quits.push(await quitDuringTraining(folder, moment, signal))
    }
    const leftovers = await temporaryFiles(folder)
    recordFigures('quit-during-training', { quits, temporaryFilesLeft: leftovers.length })
    for (const quit of quits) {
      // The last save that returned, or the one in flight if its rename landed before the quit.
      expect([quit.saved, quit.saving], JSON.stringify(quit)).toContain(quit.onDisk)
      expect(quit.onDisk).toBeGreaterThanOrEqual(quit.saved)
    }
    // Quits did land mid-write: they leave a hidden temporary file behind, never a damaged project, and opening the project removes it.
    expect(quits.some((quit) => quit.leftover > 0)).toBe(true)
    expect(leftovers).toEqual([])
    expect(await readdir(folder)).toEqual(['digits.dlproj'])
  })
})
