import { runTraining, torchTraining, trainingCase } from './training'
import type { Workload } from './workload'

const cases = [1, 2].map((threads) =>
  trainingCase('cnn', 'cnn', 'mnist', threads, {
    label: 'CNN 3×(conv3×3 s2, BN, ReLU) 16-32-64, MNIST, 1 epoch',
    changes: { model: { kind: 'cnn', channels: [16, 32, 64] }, epochs: 1, batchSize: 128 },
  }),
)

/** The small CNN for one epoch on all of MNIST, as `digit-lab train --data mnist --model cnn --channels 16,32,64` runs it. */
export const cnnWorkload: Workload = {
  name: 'cnn',
  title: 'small CNN on MNIST, one epoch (adam, one-cycle, as the CLI trains it)',
  rounds: 1,
  run: () => runTraining(cases),
  torch: () => torchTraining('cnn', cases),
}
