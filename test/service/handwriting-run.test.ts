import { describe, expect, it, vi } from 'vitest'
import { Learner } from '../../src/main/engine/learner/learner'
import { loadStartingPoint } from '../../src/main/engine/pretrained/starting-points'
import { centreDigit } from '../../src/shared/centre-digit'
import type { AppEvent } from '../../src/shared/api'
import { tempFolder } from '../helpers/temp-folder'
import { HANDWRITING_STYLES, jittered, PAD_SIDE, rasterizeStrokes, STYLES, writeDrawingsFolder } from '../helpers/handwriting'
import { service } from './service-helpers'

const finishedOf = (events: AppEvent[], runId: number) => {
  const found = events.find((e) => e.kind === 'training' && e.runId === runId && e.event.kind === 'finished')
  return found?.kind === 'training' && found.event.kind === 'finished' ? found.event : null
}

/** Issue #15: a fine-tune on drawings the MNIST CNN misreads, measured before and after, in the worker, undoable. */
describe('fine-tune on my handwriting, end to end in the service', () => {
  it('measures the drawings and MNIST test before and after, trains in the worker, and can go back', async () => {
    const fit = vi.spyOn(Learner.prototype, 'fit')
    const { service: app, events } = service()
    const root = await writeDrawingsFolder(await tempFolder('hw-run'), HANDWRITING_STYLES, 5, 1000)
    const started = await app.fineTuneHandwriting({ folder: root })
    expect(started.count).toBe(15)
    await expect.poll(() => finishedOf(events, started.runId), { timeout: 600_000, interval: 50 }).toBeTruthy()
    const finished = finishedOf(events, started.runId)!
    console.log(`handwriting: drawings ${finished.before?.metrics.accuracy} → ${finished.validation?.metrics.accuracy}, MNIST test ${finished.reference?.before} → ${finished.reference?.after}`)
    expect(finished.status).toBe('completed')
    // Before: the MNIST CNN as shipped — its recorded MNIST test accuracy, and these styles misread.
    expect(finished.reference!.before).toBeCloseTo(loadStartingPoint('mnist-cnn').manifest.accuracy.accuracy, 2)
    expect(finished.before!.metrics.accuracy).toBeLessThanOrEqual(0.5)
    expect(finished.validation!.metrics.accuracy).toBeGreaterThanOrEqual(0.9)
    expect(finished.reference!.after).not.toBe(finished.reference!.before)
    expect(finished.reference!.before - finished.reference!.after!).toBeLessThan(0.01)
    // Trained in the worker: the main thread's Learner never fitted.
    expect(fit).not.toHaveBeenCalled()

    // It is the model in use now: an unseen drawing of a style reads right; the run is kept.
    await expect.poll(() => app.currentModel(), { timeout: 60_000, interval: 50 }).toMatchObject({ origin: 'trained', labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] })
    const unseen = centreDigit(rasterizeStrokes(jittered(STYLES['eight-side'], 77_777)), PAD_SIDE, PAD_SIDE)
    expect((await app.classify(Buffer.from(unseen).toString('base64'))).best).toBe('8')
    // Its export is checked on the drawings, and says its inputs are centred as Draw centres them.
    const exported = await app.exportOnnx({})
    expect(exported.parity.images).toBe(15)
    expect(Buffer.from(exported.base64!, 'base64').includes('centred by centre of mass')).toBe(true)
    const [run] = await app.runs()
    expect(run).toMatchObject({ status: 'completed', startingPoint: 'fine-tuned from mnist-cnn', dataset: { source: root } })

    // A second fine-tune starts from the model in use; undo goes back one model.
    expect(await app.undoHandwriting()).toBeNull()
    expect(await app.currentModel()).toBeNull()
    await app.close()
  }, 900_000)
})
