import { runTraining, torchTraining, trainingCase } from './training'
import type { Workload } from './workload'

const cases = [1, 2].map((threads) =>
  trainingCase('resnet18', 'resnet18', 'mnist-sample', threads, { label: 'ResNet-18, MNIST_SAMPLE, 1 epoch, batch 64' }),
)

/** The chapter's last model: ResNet-18 from scratch for one cycle, as `digit-lab train --model resnet18` runs it. */
export const resnet18Workload: Workload = {
  name: 'resnet18',
  title: 'ResNet-18 on MNIST_SAMPLE, one epoch (adam, one-cycle, as the CLI trains it)',
  rounds: 1,
  run: () => runTraining(cases),
  torch: () => torchTraining('resnet18', cases),
}
