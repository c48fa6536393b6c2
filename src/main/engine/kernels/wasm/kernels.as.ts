// AssemblyScript (compiled by `npm run build:wasm`, not by tsc). The kernel module's entry: what it exports.
// Their TypeScript types are generated from these signatures (generated/interface.ts, KernelExports).
export { heapBase, workspaceBytes, gemm, sparsePath, indexBlock } from './gemm.as'
export { gemmChunks } from './parallel.as'
export { bytesToUnit, gatherToUnit } from './images.as'
export { col2im, convChunks, im2col, sumRows, swapAxes } from './conv.as'
export { indexRows, mostlyZeros, rowsIndexBytes } from './nonzeros.as'
export { batchNormBackward, batchNormChunks, batchNormForward } from './normalization.as'
export { adamChunks, adamStep } from './optim.as'
export { anyNonFinite } from './finite.as'
