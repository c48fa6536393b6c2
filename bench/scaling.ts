import { runTraining, torchTraining, trainingCase } from './training'
import type { Workload } from './workload'

const EPOCHS = 5

const cases = [64, 256, 1024].flatMap((batchSize) =>
  [1, 2].map((threads) =>
    trainingCase('scaling', 'simple_net', 'mnist-sample', threads, {
      label: `simple_net, batch ${batchSize}, ${EPOCHS} epochs`,
      changes: { batchSize, epochs: EPOCHS },
      warmUp: 'run',
    }),
  ),
)

/** How simple_net's training throughput grows with the batch size and the threads. */
export const scalingWorkload: Workload = {
  name: 'scaling',
  title: `simple_net throughput by batch size and threads (MNIST_SAMPLE, ${EPOCHS} epochs each)`,
  run: () => runTraining(cases),
  torch: () => torchTraining('scaling', cases),
}
