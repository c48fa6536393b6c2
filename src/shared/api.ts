/** What the engine reports about itself when the app starts. */
export interface EngineStatus {
  readonly ready: boolean
  readonly version: string
  /** A gradient the engine just computed, as proof it works: d(x²)/dx at x = 3. */
  readonly selfCheck: { readonly expression: string; readonly gradient: number; readonly expected: number }
}

/**
 * The api the renderer calls, written once. The preload exposes exactly these functions, main
 * handles exactly these channels, and both derive the channel names from `API_CHANNELS`.
 */
export interface Api {
  engineStatus(): Promise<EngineStatus>
}

/** Channel name (`domain:verb`) of each api function. */
export const API_CHANNELS = {
  engineStatus: 'engine:status',
} as const satisfies Record<keyof Api, `${string}:${string}`>

export type ApiName = keyof Api
