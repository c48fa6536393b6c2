import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importDataset } from '../src/main/datasets/import'
import { writeSample } from '../src/main/datasets/samples'
import { peakRssMb } from './timing'
import type { Workload } from './workload'

/** Where the 70,000 PNGs are written once and kept for later runs. */
const CACHE = join(tmpdir(), 'digit-lab-bench')

/** Importing all of MNIST as a folder of PNG files, as a person drops it on the window (or `digit-lab train <folder>`). */
export const importWorkload: Workload = {
  name: 'import',
  title: 'import 70,000 MNIST PNGs (decode, 28×28 gray, split)',
  rounds: 1,
  async run() {
    const { folder } = await writeSample(CACHE, 'mnist')
    const started = performance.now()
    const { dataset } = await importDataset(folder)
    const seconds = (performance.now() - started) / 1000
    const images = dataset.train.count + dataset.valid.count
    return [{
      workload: 'import', case: `${images} png`, label: 'importDataset(folder) of make-samples’ mnist_png', engine: 'ours',
      threads: 1, seconds, imagesPerSecond: images / seconds, peakRssMb: peakRssMb(),
    }]
  },
}
