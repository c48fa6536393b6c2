// The ESM half of register.mjs: `electron` resolves to the stand-in; a native module named in
// DIGIT_LAB_STAND_IN_BREAK resolves to a module that throws as a failed native load does.
const STAND_IN = new URL('./electron.cjs', import.meta.url).href
const broken = new Set((process.env.DIGIT_LAB_STAND_IN_BREAK ?? '').split(',').filter(Boolean))

/** What Node says when a native addon's binary does not load (the shape of sharp's and onnxruntime's messages). */
const failedLoad = (name) =>
  `data:text/javascript,${encodeURIComponent(
    `throw new Error(${JSON.stringify(`Could not load the "${name}" module using the linux-x64 runtime\nERR_DLOPEN_FAILED: ${name}.node: cannot open shared object file: No such file or directory`)})\n` +
      // The names the app imports, so the import links and fails where a native load fails: when it runs.
      'export default undefined\nexport const InferenceSession = undefined, Tensor = undefined',
  )}`

export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: STAND_IN, shortCircuit: true }
  if (broken.has(specifier)) return { url: failedLoad(specifier), shortCircuit: true }
  return next(specifier, context)
}
