import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readDrawing, readDrawings } from '../../src/main/datasets/drawings'
import { handwritingConfig, handwritingDataset, handwritingStart, HANDWRITING } from '../../src/main/service/handwriting'
import { centreDigit } from '../../src/shared/centre-digit'
import type { AppEvent } from '../../src/shared/api'
import { tempFolder } from '../helpers/temp-folder'
import { drawingPng, HANDWRITING_STYLES, jittered, PAD_SIDE, rasterizeStrokes, STYLES, writeDrawingsFolder } from '../helpers/handwriting'
import { service } from './service-helpers'

const finishedOf = (events: AppEvent[], runId: number) =>
  events.find((e) => e.kind === 'training' && e.runId === runId && e.event.kind === 'finished')

describe('reading collected drawings', () => {
  it('prepares a saved drawing exactly as the Draw view prepares the pad before it classifies', async () => {
    const strokes = jittered(STYLES['one-caret'], 7)
    const asDrawn = centreDigit(rasterizeStrokes(strokes), PAD_SIDE, PAD_SIDE)
    expect(await readDrawing(await drawingPng(strokes))).toEqual(asDrawn)
    expect(asDrawn.some((v) => v > 200)).toBe(true)
  })

  it('counts each digit, and names a file it cannot read while keeping the rest', async () => {
    const root = await writeDrawingsFolder(await tempFolder('hw-read'), HANDWRITING_STYLES, 2, 10)
    await writeFile(join(root, '8', 'torn.png'), 'not a png at all')
    const drawings = await readDrawings(root)
    expect(drawings.perDigit).toEqual([0, 0, 0, 2, 0, 0, 0, 0, 2, 2])
    expect(drawings.count).toBe(6)
    expect(drawings.skipped).toEqual([{ file: '8/torn.png', reason: expect.stringMatching(/not (an image|a readable image)/) }])
  })

  it('refuses, saying what to do, an empty folder, a missing one and a subfolder that is not a digit', async () => {
    const empty = await tempFolder('hw-empty')
    await expect(readDrawings(empty)).rejects.toThrow(/holds no drawings to learn from: collect some in Draw/)
    await expect(readDrawings(join(empty, 'gone'))).rejects.toThrow(/cannot open .*gone.*collect drawings in Draw first/)
    const odd = await writeDrawingsFolder(await tempFolder('hw-odd'), ['one-caret'], 1, 1)
    await mkdir(join(odd, 'cat'))
    await expect(readDrawings(odd)).rejects.toThrow(/subfolder “cat”: its subfolders must be named by the digit drawn in them, 0 to 9/)
    const unreadable = await tempFolder('hw-unreadable')
    await mkdir(join(unreadable, '7'))
    await writeFile(join(unreadable, '7', 'a.png'), 'garbage')
    await expect(readDrawings(unreadable)).rejects.toThrow(/holds no drawings to learn from; left out: 7\/a.png \(.+\)/)
  })
})

describe('what a handwriting fine-tune trains on', () => {
  it('keeps every digit equally often, a drawn digit half drawings and half MNIST, and validates on the drawings', async () => {
    const root = await writeDrawingsFolder(await tempFolder('hw-mix'), HANDWRITING_STYLES, 5, 1)
    const drawings = await readDrawings(root)
    const data = handwritingDataset(drawings)
    const perClass = new Array(10).fill(0)
    data.train.labels.forEach((label) => perClass[label]++)
    expect(perClass).toEqual(new Array(10).fill(HANDWRITING.perClass))
    expect(data.labelNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(data.valid.count).toBe(15)
    // The drawings of a 3 are 75 of its 150 images (each of 5 drawings 15 times); the rest are MNIST's 3s.
    const first = drawings.pixels.subarray(0, 784)
    const copies = Array.from({ length: data.train.count }, (_, i) => data.train.pixels.subarray(i * 784, (i + 1) * 784)).filter((image) => image.every((v, j) => v === first[j]))
    expect(copies).toHaveLength(HANDWRITING.perClass * HANDWRITING.drawnShare / 5)
    const config = handwritingConfig(handwritingStart(null, false), data.train.count)
    expect(config).toMatchObject({ start: { kind: 'pretrained', id: 'mnist-cnn' }, augment: false, lr: 3e-3, fineTune: { bn: 'frozen' } })
  })

  it('starts from the MNIST CNN, saying why, when the model in use is an opened file', () => {
    const start = handwritingStart(null, true)
    expect(start.weights.name).toBe('MNIST CNN')
    expect(start.note).toBe('the model in use is an opened .onnx file, which Digit Lab cannot train, so this starts from MNIST CNN')
  })
})

describe('fine-tune on my handwriting, in the service', () => {
  it('refuses a bad folder before any run starts', async () => {
    const { service: app } = service()
    await expect(app.fineTuneHandwriting({ folder: await tempFolder('hw-none') })).rejects.toThrow(/holds no drawings/)
    expect(await app.runs()).toEqual([])
    await app.close()
  })

  it('stopped at once, leaves the model in use as it was and reports no MNIST result after', async () => {
    const { service: app, events } = service()
    const root = await writeDrawingsFolder(await tempFolder('hw-stop'), HANDWRITING_STYLES, 2, 1)
    const started = await app.fineTuneHandwriting({ folder: root })
    expect(started).toMatchObject({ perDigit: [0, 0, 0, 2, 0, 0, 0, 0, 2, 2], startsFrom: 'MNIST CNN', note: null })
    await expect.poll(() => events.some((e) => e.kind === 'training' && e.runId === started.runId && e.event.kind === 'progress'), { timeout: 120_000, interval: 20 }).toBe(true)
    await app.stopTraining()
    await expect.poll(() => finishedOf(events, started.runId), { timeout: 120_000, interval: 20 }).toBeTruthy()
    const finished = finishedOf(events, started.runId)!
    expect(finished.kind === 'training' && finished.event).toMatchObject({ status: 'stopped', reference: { name: 'MNIST test', images: 10_000, after: null } })
    expect(await app.currentModel()).toBeNull()
    expect(events.some((e) => e.kind === 'model')).toBe(false)
    await expect(app.undoHandwriting()).rejects.toThrow(/no handwriting fine-tune to undo/)
    expect((await app.runs()).map((run) => run.status)).toEqual(['stopped'])
    await app.close()
  })
})
