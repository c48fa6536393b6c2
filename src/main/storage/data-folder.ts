import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Digit Lab's own data folder, shared by the app, the browser mode and the CLI: `DIGIT_LAB_DATA` when
 * set, else the platform's place for application data (`~/.config/digit-lab` on Linux,
 * `~/Library/Application Support/digit-lab` on macOS, `%APPDATA%\digit-lab` on Windows).
 */
export function defaultDataFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.DIGIT_LAB_DATA) return env.DIGIT_LAB_DATA
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'digit-lab')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'digit-lab')
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'digit-lab')
}
