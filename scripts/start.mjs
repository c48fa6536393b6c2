// `npm start` / `npm run dev`: electron-vite preview|dev, with Chromium's sandbox turned off only where it cannot
// start. On Linux with unprivileged user namespaces restricted (Ubuntu 24.04's AppArmor default) and the setuid
// chrome-sandbox not root-owned 4755 — an npm install never makes it so — Electron aborts before any of Digit Lab's
// code runs; the probe is electron-builder's AppImage one (`unshare -Ur true`), plus the helper's mode.
import { spawn, spawnSync } from 'node:child_process'
import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Whether Electron must start with --no-sandbox here, and why: only on Linux, when user namespaces cannot be made
 * and the setuid helper is not root-owned with its setuid bit (`helper` is its stat, or null when it is absent).
 */
export function sandboxDecision({ platform, userNamespaces, helper }) {
  if (platform !== 'linux' || userNamespaces) return { noSandbox: false, reason: null }
  if (helper && helper.uid === 0 && (helper.mode & 0o4000) !== 0) return { noSandbox: false, reason: null }
  return {
    noSandbox: true,
    reason: `this system refuses unprivileged user namespaces and ${helper ? 'chrome-sandbox is not root-owned with mode 4755' : 'there is no chrome-sandbox helper'}`,
  }
}

/** The facts sandboxDecision needs, read from this machine, for the Electron binary at `electronBinary`. */
export function probe(electronBinary) {
  const userNamespaces = process.platform === 'linux' ? spawnSync('unshare', ['-Ur', 'true'], { stdio: 'ignore' }).status === 0 : true
  let helper = null
  try {
    helper = statSync(join(dirname(electronBinary), 'chrome-sandbox'))
  } catch {
    helper = null
  }
  return { platform: process.platform, userNamespaces, helper }
}

function electronBinary() {
  try {
    return createRequire(import.meta.url)('electron')
  } catch (error) {
    console.error(`Digit Lab: Electron's binary is not installed (${String(error.message).split('\n')[0]}).\n  Run npm install without ELECTRON_SKIP_BINARY_DOWNLOAD, or use npm run serve to open Digit Lab in a browser.`)
    process.exit(1)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2] === 'dev' ? 'dev' : 'preview'
  const decision = sandboxDecision(probe(electronBinary()))
  const env = { ...process.env }
  if (decision.noSandbox) {
    console.warn(`Digit Lab: starting with --no-sandbox: ${decision.reason}. The app will say more when it starts.`)
    env.NO_SANDBOX = '1'
  }
  const viteCli = fileURLToPath(new URL('../node_modules/electron-vite/bin/electron-vite.js', import.meta.url))
  const child = spawn(process.execPath, [viteCli, command, ...process.argv.slice(3)], { stdio: 'inherit', env })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}
