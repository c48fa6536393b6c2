import { readFileSync } from 'node:fs'
import { fromArray } from '../engine/creation'
import { describeProvider, startingProvider } from '../engine/kernels'
import { describeStepMode, startingStepMode } from '../engine/traced/mode'
import type { EngineStatus } from '../../shared/api'

/** Run the chapter's first gradient through the engine and report whether it came out right. */
export function engineStatus(version: string): EngineStatus {
  const x = fromArray([3]).requiresGrad_()
  x.pow(2).sum().backward()
  const gradient = x.grad?.item() ?? Number.NaN
  return { ready: gradient === 6, version, selfCheck: { expression: 'd(x²)/dx at x = 3', gradient, expected: 6 }, kernels: describeProvider(startingProvider()),
    step: describeStepMode(startingProvider() === 'native' ? startingStepMode() : 'ops') }
}

/** The version in package.json, read from the app folder. */
export function packageVersion(appFolder: string): string {
  const pkg = JSON.parse(readFileSync(`${appFolder}/package.json`, 'utf8')) as { version: string }
  return pkg.version
}
