import { appVsCliWorkload } from './app-vs-cli'
import { cnnWorkload } from './cnn'
import { gemmWorkload } from './gemm'
import { importWorkload } from './import'
import { linearWorkload } from './linear'
import { resnet18Workload } from './resnet18'
import { scalingWorkload } from './scaling'
import { simpleNetWorkload } from './simple-net'
import type { Workload } from './workload'

/** Every workload `npm run bench` knows, in the order it runs them; a new one is a file in bench/ and a line here. */
export const workloads: readonly Workload[] = [linearWorkload, simpleNetWorkload, scalingWorkload, cnnWorkload, appVsCliWorkload, resnet18Workload, importWorkload, gemmWorkload]
