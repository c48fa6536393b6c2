import { runTraining, torchTraining, trainingCase } from './training'
import type { Workload } from './workload'

const cases = [trainingCase('linear', 'linear', 'mnist-sample', 1, { label: 'linear 784→1, mnist loss, SGD lr 1, 20 epochs', warmUp: 'run' })]

/** The chapter's linear model on MNIST_SAMPLE, as `digit-lab train` runs it. */
export const linearWorkload: Workload = {
  name: 'linear',
  // A few seconds a run: more rounds, so that one of them meets a quiet machine.
  rounds: 5,
  title: 'linear model on MNIST_SAMPLE (the chapter, as the CLI trains it)',
  run: () => runTraining(cases),
  torch: () => torchTraining('linear', cases),
}
