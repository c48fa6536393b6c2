import { describe, expect, it } from 'vitest'
// @ts-expect-error -- a plain .mjs script with no type declarations
import { sandboxDecision } from '../../scripts/start.mjs'

type Decision = { noSandbox: boolean; reason: string | null }
const decide = sandboxDecision as (facts: { platform: string; userNamespaces: boolean; helper: { uid: number; mode: number } | null }) => Decision

describe('npm start’s sandbox probe', () => {
  it('keeps the sandbox where user namespaces work, and everywhere but Linux', () => {
    expect(decide({ platform: 'linux', userNamespaces: true, helper: null }).noSandbox).toBe(false)
    expect(decide({ platform: 'darwin', userNamespaces: false, helper: null }).noSandbox).toBe(false)
    expect(decide({ platform: 'win32', userNamespaces: false, helper: null }).noSandbox).toBe(false)
  })

  it('keeps it where namespaces are refused but chrome-sandbox is root-owned and setuid (the .deb, or chown+chmod 4755)', () => {
    expect(decide({ platform: 'linux', userNamespaces: false, helper: { uid: 0, mode: 0o104755 } }).noSandbox).toBe(false)
  })

  it('turns it off, saying why, where Ubuntu 24.04 would abort the start: namespaces refused, helper not setuid root', () => {
    const notRoot = decide({ platform: 'linux', userNamespaces: false, helper: { uid: 1000, mode: 0o104755 } })
    expect(notRoot).toEqual({ noSandbox: true, reason: expect.stringMatching(/user namespaces.*not root-owned with mode 4755/) })
    expect(decide({ platform: 'linux', userNamespaces: false, helper: { uid: 0, mode: 0o100755 } }).noSandbox).toBe(true)
    expect(decide({ platform: 'linux', userNamespaces: false, helper: null }).reason).toMatch(/no chrome-sandbox helper/)
  })
})
