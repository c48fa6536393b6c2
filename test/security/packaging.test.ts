import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
// electron-builder's own loader and schema validation of electron-builder.yml (no Electron binary needed).
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, unknown>>
  validateConfiguration(config: Record<string, unknown>, logger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }

describe('the packaged app (electron-builder.yml)', () => {
  it('is a valid electron-builder configuration that flips the fuses: no run-as-node, NODE_OPTIONS or --inspect; only a verified app.asar', async () => {
    const config = await getConfig(process.cwd(), 'electron-builder.yml', null)
    await validateConfiguration(config, new DebugLogger(false))
    expect(config.asar).toBe(true)
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('would be refused by electron-builder with a misspelt fuse, so the check above has teeth', async () => {
    await expect(validateConfiguration({ electronFuses: { runAsNod: false } }, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/)
  })

  it('is built by `npm run dist`, and nothing in the app needs ELECTRON_RUN_AS_NODE (the fuse turns it off)', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts
    expect(scripts.dist).toBe('npm run build && npm run icons && electron-builder')
    expect(readFileSync('src/main/index.ts', 'utf8')).not.toMatch(/ELECTRON_RUN_AS_NODE|child_process|\bfork\(/)
  })
})
