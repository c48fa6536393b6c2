export { Optimizer, type OptimizerFactory } from './optimizer'
export { SGD, BasicOptim, type SgdOptions } from './sgd'
export { Adam, type AdamOptions } from './adam'
export { clipGradNorm } from './clip'
