/** generated/interface.as.ts: the job blocks' byte offsets and the pass ids, for the kernels. */
export function assemblyScriptSide(): string
/** generated/interface.ts from asc's declarations of the module's exports; throws where they disagree with the spec. */
export function typeScriptSide(declarations: string): string
