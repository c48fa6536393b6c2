import { resolve } from 'node:path'

/** Thrown for arguments a command cannot take; the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Parse a number option, naming the option when it is not one. */
export function numberOption(name: string, value: string | undefined, usage: string, check: (n: number) => boolean = Number.isFinite): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (value.trim() === '' || !check(parsed)) throw new UsageError(`--${name} must be a valid number, got "${value}"`, usage)
  return parsed
}

/** Check a string option against its allowed values. */
export function choiceOption<T extends string>(name: string, value: string | undefined, choices: readonly T[], usage: string): T | undefined {
  if (value === undefined) return undefined
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got "${value}"`, usage)
  return value as T
}

/**
 * A path as the user meant it: relative to the folder they typed the command in. `npm run` starts
 * scripts in the package folder and says where the user was in INIT_CWD. Built-in dataset names pass.
 */
export function userPath(path: string): string {
  if (/^mnist(-sample)?$/.test(path)) return path
  return resolve(process.env.INIT_CWD ?? process.cwd(), path)
}
