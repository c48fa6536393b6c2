/**
 * IR version 8 and opset 17: what onnxruntime-node 1.30 runs and what the official checker of
 * Debian's python3-onnx (1.12) accepts. Opset 17 keeps ReduceMean's axes an attribute.
 */
export const IR_VERSION = 8
export const OPSET_VERSION = 17

/** The names of the graph's input and outputs, the same in every Digit Lab export. */
export const INPUT_NAME = 'image'
export const LOGITS = 'logits'
export const PROBABILITIES = 'probabilities'
