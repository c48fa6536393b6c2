import { runTraining, torchTraining, trainingCase } from './training'
import type { Workload } from './workload'

const LABEL = 'simple_net 784-30-1, mnist loss, SGD lr 0.1, 40 epochs'

const cases = [
  ...[1, 2].map((threads) => trainingCase('simple_net', 'simple_net', 'mnist-sample', threads, { label: LABEL, warmUp: 'run' })),
  // The same training with every product dense: what the zero-skipping GEMM paths are worth here.
  trainingCase('simple_net', 'simple_net', 'mnist-sample', 1, { label: `${LABEL}, no zero-skipping`, dense: true, warmUp: 'run' }),
]

/** The chapter's simple_net on MNIST_SAMPLE, as `digit-lab train --model simple_net` runs it, on one thread and on two. */
export const simpleNetWorkload: Workload = {
  name: 'simple_net',
  // A few seconds a run: more rounds, so that one of them meets a quiet machine.
  rounds: 5,
  title: 'simple_net on MNIST_SAMPLE (the chapter, as the CLI trains it)',
  run: () => runTraining(cases),
  torch: () => torchTraining('simple_net', cases),
}
