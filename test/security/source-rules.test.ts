import { describe, expect, it } from 'vitest'
import { checkSource, checkTree, svelteScripts } from './source-rules'

const SAFE_WINDOW = `new BrowserWindow({ webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true,
  webviewTag: false, navigateOnDragDrop: false, allowRunningInsecureContent: false } })`

const rulesBroken = (code: string, file = 'src/main/index.ts') => checkSource(file, code).map((v) => `${v.rule}: ${v.message}`)

describe('the source of Digit Lab', () => {
  it('keeps every window locked down, IPC in its wrappers, openExternal in its helper, and no eval', () => {
    const { files, windows, violations } = checkTree(process.cwd())
    expect(files).toBeGreaterThan(100)
    expect(windows).toBeGreaterThanOrEqual(1)
    expect(violations).toEqual([])
  })
})

describe('the source check catches each regression', () => {
  it('accepts the safe window', () => {
    expect(rulesBroken(SAFE_WINDOW)).toEqual([])
  })

  it('nodeIntegration: true next to sandbox: false (which electronegativity missed)', () => {
    expect(rulesBroken(SAFE_WINDOW.replace('sandbox: true', 'sandbox: false').replace('nodeIntegration: false', 'nodeIntegration: true'))).toEqual([
      'web-preferences: webPreferences.sandbox must be the literal true',
      'web-preferences: webPreferences.nodeIntegration must be the literal false',
    ])
  })

  it('contextIsolation off, webSecurity off, a missing option, a webview, a computed value', () => {
    expect(rulesBroken(SAFE_WINDOW.replace('contextIsolation: true', 'contextIsolation: false'))).toEqual(['web-preferences: webPreferences.contextIsolation must be the literal true'])
    expect(rulesBroken(SAFE_WINDOW.replace('webSecurity: true', 'webSecurity: false'))).toEqual(['web-preferences: webPreferences.webSecurity must be left out or the literal true'])
    expect(rulesBroken(SAFE_WINDOW.replace('navigateOnDragDrop: false, ', ''))).toEqual(['web-preferences: webPreferences.navigateOnDragDrop must be the literal false'])
    expect(rulesBroken(SAFE_WINDOW.replace('webviewTag: false', 'webviewTag: true'))).toEqual(['web-preferences: webPreferences.webviewTag must be the literal false'])
    expect(rulesBroken(SAFE_WINDOW.replace('sandbox: true', 'sandbox: isSafe'))).toEqual(['web-preferences: webPreferences.sandbox must be the literal true'])
    expect(rulesBroken(SAFE_WINDOW.replace('webSecurity: true,', 'webSecurity: true, nodeIntegrationInSubFrames: true, enableBlinkFeatures: "x",'))).toEqual([
      'web-preferences: webPreferences.nodeIntegrationInSubFrames must be left out or the literal false',
      'web-preferences: webPreferences.enableBlinkFeatures must not be set',
    ])
  })

  it('webPreferences hidden behind a spread or a variable, or a window without any', () => {
    expect(rulesBroken(SAFE_WINDOW.replace('sandbox: true,', 'sandbox: true, ...extra,'))).toContain(
      'web-preferences: webPreferences may only hold plain "name: value" entries (found SpreadAssignment)',
    )
    expect(rulesBroken('new BrowserWindow({ webPreferences: prefs })')).toEqual(['web-preferences: webPreferences must be an object literal, so that it can be checked'])
    expect(rulesBroken('new electron.BrowserWindow({ width: 800 })')).toEqual(['web-preferences: new electron.BrowserWindow needs an options literal with webPreferences'])
    expect(rulesBroken('new WebContentsView()')).toHaveLength(1)
  })

  it('raw ipcMain or ipcRenderer outside the IPC wrappers and the preload', () => {
    const code = `import { ipcMain } from 'electron'\nipcMain.handle('x', () => 1)\nrequire('electron')['ipcRenderer']`
    expect(rulesBroken(code, 'src/main/service/x.ts').filter((v) => v.startsWith('raw-ipc'))).toHaveLength(3)
    expect(rulesBroken(code, 'src/main/ipc/handle.ts')).toEqual([])
    expect(rulesBroken(code, 'src/preload/index.ts')).toEqual([])
  })

  it('shell.openExternal anywhere but the allow-list helper', () => {
    expect(rulesBroken('shell.openExternal(url)', 'src/main/index.ts')).toEqual(['open-external: openExternal outside src/main/security/external-links.ts: use openExternalIfAllowed'])
    expect(rulesBroken('shell["openExternal"](url)', 'src/main/index.ts')).toHaveLength(1)
    expect(rulesBroken('shell.openExternal(url)', 'src/main/security/external-links.ts')).toEqual([])
  })

  it('eval in all its spellings, the Function constructor, string timers, source-text workers', () => {
    for (const code of ['eval(text)', '(0, eval)(text)', 'globalThis.eval(text)', 'window["eval"](text)', 'new Function("return 1")', 'Function("return 1")()', 'setTimeout("alert(1)", 10)', 'new Worker(code, { eval: true })']) {
      expect(rulesBroken(code, 'src/renderer/src/x.ts'), code).toHaveLength(1)
    }
    expect(rulesBroken('new Worker(code, { eval: true })', 'src/main/worker/spawn.ts')).toEqual([])
    expect(rulesBroken('setTimeout(() => run(), 10); model.eval(); const evaluation = evaluate(x)', 'src/renderer/src/x.ts')).toEqual([])
  })

  it('reads the scripts of Svelte components, keeping line numbers', () => {
    const component = '<script lang="ts">\n  const a = 1\n</script>\n<button onclick={() => 1}>x</button>\n<script module>\n  eval(x)\n</script>\n'
    const [violation] = checkSource('src/renderer/src/X.svelte', svelteScripts(component))
    expect(violation).toMatchObject({ rule: 'eval', line: 6 })
  })
})
