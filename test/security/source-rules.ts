import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import ts from 'typescript'

/** One broken rule, where it is. */
export interface Violation {
  readonly file: string
  readonly line: number
  readonly rule: 'web-preferences' | 'raw-ipc' | 'open-external' | 'eval'
  readonly message: string
}

/** Options every window must state, with the value it must have. */
const REQUIRED_PREFERENCES: Readonly<Record<string, boolean>> = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  allowRunningInsecureContent: false,
}
/** Options that may be left out, but never set to the unsafe value. */
const NEVER: Readonly<Record<string, boolean>> = { webSecurity: false, nodeIntegrationInWorker: true, nodeIntegrationInSubFrames: true, experimentalFeatures: true }
const WINDOW_CLASSES = ['BrowserWindow', 'BrowserView', 'WebContentsView']
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global'])

/** Where each rule allows what it otherwise forbids (paths relative to the repository, with /). */
export const RULE_HOMES = {
  rawIpc: ['src/main/ipc/', 'src/preload/'],
  openExternal: ['src/main/security/external-links.ts'],
  /**
   * NOTE: `new Worker(code, { eval: true })` with fixed program text, never data: the training
   * worker's loader when running from the TypeScript sources (it imports tsx, then a fixed file),
   * and the GEMM helper threads (a constant program around the wasm kernel).
   */
  workerEval: ['src/main/worker/spawn.ts', 'src/main/engine/kernels/wasm/helpers.ts'],
} as const

const nameOf = (node: ts.Node): string | null =>
  ts.isIdentifier(node) || ts.isPrivateIdentifier(node) || ts.isStringLiteralLike(node) ? node.text : null

function propertyName(node: ts.ObjectLiteralElementLike): string | null {
  return 'name' in node && node.name ? nameOf(node.name) : null
}

function booleanValue(node: ts.Expression): boolean | null {
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false
  return null
}

/** The problems with one `webPreferences` value, in words. */
function checkPreferences(value: ts.Expression): string[] {
  if (!ts.isObjectLiteralExpression(value)) return ['webPreferences must be an object literal, so that it can be checked']
  const problems: string[] = []
  const given = new Map<string, ts.Expression>()
  for (const property of value.properties) {
    if (!ts.isPropertyAssignment(property)) {
      problems.push(`webPreferences may only hold plain "name: value" entries (found ${ts.SyntaxKind[property.kind]})`)
      continue
    }
    const name = propertyName(property)
    if (name !== null) given.set(name, property.initializer)
  }
  for (const [name, wanted] of Object.entries(REQUIRED_PREFERENCES)) {
    const set = given.get(name)
    if (!set || booleanValue(set) !== wanted) problems.push(`webPreferences.${name} must be the literal ${wanted}`)
  }
  for (const [name, unsafe] of Object.entries(NEVER)) {
    const set = given.get(name)
    if (set && booleanValue(set) !== !unsafe) problems.push(`webPreferences.${name} must be left out or the literal ${!unsafe}`)
  }
  if (given.has('enableBlinkFeatures')) problems.push('webPreferences.enableBlinkFeatures must not be set')
  return problems
}

const within = (file: string, homes: readonly string[]): boolean => homes.some((home) => file === home || (home.endsWith('/') && file.startsWith(home)))

/** The callee of a call, looking through `(0, eval)` and parentheses. */
function callee(node: ts.Expression): ts.Expression {
  if (ts.isParenthesizedExpression(node)) return callee(node.expression)
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.CommaToken) return callee(node.right)
  return node
}

/** Whether an expression names one of `names`: itself, as `x.name` / `x['name']`, or with `globalsOnly` only as a global (`eval`, `globalThis.eval`). */
function isName(node: ts.Expression, names: readonly string[], globalsOnly = false): boolean {
  const target = callee(node)
  if (ts.isIdentifier(target)) return names.includes(target.text)
  if (!ts.isPropertyAccessExpression(target) && !ts.isElementAccessExpression(target)) return false
  if (globalsOnly && !(ts.isIdentifier(target.expression) && GLOBAL_OBJECTS.has(target.expression.text))) return false
  if (ts.isPropertyAccessExpression(target)) return names.includes(target.name.text)
  return ts.isStringLiteralLike(target.argumentExpression) && names.includes(target.argumentExpression.text)
}

/**
 * Check one source file (TypeScript, or the script of a Svelte component) against the rules:
 * every window's webPreferences locked down, no raw ipcMain/ipcRenderer outside the IPC wrappers
 * and the preload, `openExternal` only in the allow-list helper, no eval or Function constructor.
 */
export function checkSource(file: string, text: string): Violation[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
  const violations: Violation[] = []
  const report = (node: ts.Node, rule: Violation['rule'], message: string): void => {
    violations.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, rule, message })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && isName(node.expression, WINDOW_CLASSES)) {
      const options = node.arguments?.[0]
      const preferences = options && ts.isObjectLiteralExpression(options) ? options.properties.find((p) => propertyName(p) === 'webPreferences') : undefined
      if (!preferences || !ts.isPropertyAssignment(preferences)) report(node, 'web-preferences', `new ${callee(node.expression).getText(source)} needs an options literal with webPreferences`)
    }
    if (ts.isPropertyAssignment(node) && propertyName(node) === 'webPreferences') {
      for (const problem of checkPreferences(node.initializer)) report(node, 'web-preferences', problem)
    }
    if ((ts.isIdentifier(node) || ts.isStringLiteralLike(node)) && ['ipcMain', 'ipcRenderer'].includes(node.text) && !within(file, RULE_HOMES.rawIpc)) {
      report(node, 'raw-ipc', `${node.text} outside src/main/ipc and src/preload: use serveApi / the preload's api`)
    }
    if ((ts.isIdentifier(node) || ts.isStringLiteralLike(node)) && node.text === 'openExternal' && !within(file, RULE_HOMES.openExternal)) {
      report(node, 'open-external', 'openExternal outside src/main/security/external-links.ts: use openExternalIfAllowed')
    }
    if (ts.isCallExpression(node) && isName(node.expression, ['eval', 'Function'], true)) report(node, 'eval', `${callee(node.expression).getText(source)}() runs a string as code`)
    if (ts.isNewExpression(node) && isName(node.expression, ['Function'], true)) report(node, 'eval', 'new Function() runs a string as code')
    if (ts.isCallExpression(node) && isName(node.expression, ['setTimeout', 'setInterval'], true) && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      report(node, 'eval', 'a timer given a string runs it as code')
    }
    if (ts.isPropertyAssignment(node) && propertyName(node) === 'eval' && booleanValue(node.initializer) === true && !within(file, RULE_HOMES.workerEval)) {
      report(node, 'eval', '{ eval: true } runs a string as code (a Worker from source text)')
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return violations
}

/** The scripts of a Svelte component, everything else blanked, so line numbers stay true. */
export function svelteScripts(text: string): string {
  const blank = (part: string): string => part.replace(/[^\n]/g, ' ')
  let code = ''
  let last = 0
  for (const match of text.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script>/g)) {
    const bodyStart = match.index + match[1].length
    code += blank(text.slice(last, bodyStart)) + match[2]
    last = bodyStart + match[2].length
  }
  return code + blank(text.slice(last))
}

/** Every TypeScript and Svelte file under `dir`, as repository-relative paths with `/`. */
export function sourceFiles(root: string, dir: string): string[] {
  const found: string[] = []
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name)
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path)
      else if (entry.isFile() && /\.(ts|svelte)$/.test(entry.name)) found.push(relative(root, path).split(sep).join('/'))
    }
  }
  walk(join(root, dir))
  return found.sort()
}

/** Check every source file of the app. */
export function checkTree(root: string): { files: number; windows: number; violations: Violation[] } {
  const files = sourceFiles(root, 'src')
  const violations: Violation[] = []
  let windows = 0
  for (const file of files) {
    const raw = readFileSync(join(root, file), 'utf8')
    const text = file.endsWith('.svelte') ? svelteScripts(raw) : raw
    windows += (text.match(/new\s+BrowserWindow\s*\(/g) ?? []).length
    violations.push(...checkSource(file, text))
  }
  return { files: files.length, windows, violations }
}
