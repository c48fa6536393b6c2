// `node --import ./test/desktop/stand-in/register.mjs …`: `electron` becomes the recording stand-in, for the
// main bundle's `import` and the preload's `require` alike (one module, one record); DIGIT_LAB_STAND_IN_BREAK
// names native modules that fail to load, as a broken install's would.
import { createRequire, register } from 'node:module'

register('./resolve-hook.mjs', import.meta.url)

const require = createRequire(import.meta.url)
const Module = require('node:module')
const standIn = require.resolve('./electron.cjs')
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? standIn : resolveFilename.call(this, request, ...rest)
}
