import * as v from 'valibot'
import { API_ARGS, type ApiHandlers, type ApiName } from '../../shared/api'

/** A request main refused before running anything: unknown function or arguments off the schema. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError'
}

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.hasOwn(API_ARGS, name)
}

/**
 * Check a request against the contract and run it: every transport (Electron IPC, the browser
 * mode's WebSocket) comes through here, so no handler ever sees unvalidated arguments.
 */
export async function dispatch(handlers: ApiHandlers, name: unknown, args: unknown): Promise<unknown> {
  if (!isApiName(name)) throw new ApiRequestError(`unknown api function ${JSON.stringify(name)}`)
  const parsed = v.safeParse(API_ARGS[name], args)
  if (!parsed.success) throw new ApiRequestError(`${name}: invalid arguments — ${v.summarize(parsed.issues).replace(/\n/g, '; ')}`)
  const handler = handlers[name] as (...input: unknown[]) => Promise<unknown>
  return handler.apply(handlers, parsed.output as unknown[])
}
