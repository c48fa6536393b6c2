import { GraphBuilder, attr, tensorValueInfo } from '../../../onnx/graph'
import { encodeModel, type GraphProto } from '../../../onnx/proto'
import { IR_VERSION, OPSET_VERSION } from '../../../onnx/names'

/** A one-graph ONNX model in the version onnxruntime-node runs (see `onnx/names.ts`). */
export function modelBytes(graph: GraphProto): Uint8Array {
  return encodeModel({ irVersion: IR_VERSION, opsetImport: [{ version: OPSET_VERSION }], producerName: 'digit-lab kernels', graph })
}

/** The kind of one product: op(A) is m×k, op(B) is k×n, and C (added when `accumulate`) m×n. */
export interface ProductKind {
  readonly transA: boolean
  readonly transB: boolean
  readonly accumulate: boolean
}

// NOTE: sizes are symbolic, so one session serves every product of a kind: onnxruntime gives each session its
// own pool of threads, and a session per shape would leave dozens of idle threads behind a training run.
const [m, n, k] = ['M', 'N', 'K']

/** Y = op(A)·op(B) (+ C) for any sizes: one ONNX Gemm with inputs `a`, `b` (and `c`), output `y`. */
export function gemmModel({ transA, transB, accumulate }: ProductKind): Uint8Array {
  const graph = new GraphBuilder()
  const inputs = [graph.reserve('a'), graph.reserve('b'), ...(accumulate ? [graph.reserve('c')] : [])]
  graph.node('Gemm', inputs, { transA: attr.int(+transA), transB: attr.int(+transB) }, 'y')
  const values = [
    tensorValueInfo('a', transA ? [k, m] : [m, k]),
    tensorValueInfo('b', transB ? [n, k] : [k, n]),
    ...(accumulate ? [tensorValueInfo('c', [m, n])] : []),
  ]
  return modelBytes(graph.build('gemm', values, [tensorValueInfo('y', [m, n])]))
}
