import { spawn, type ChildProcess } from 'node:child_process'

/** A real `npm run serve` process (without the renderer build), its TMPDIR chosen by the test. */
export interface ServeProcess {
  readonly child: ChildProcess
  readonly pid: number
  /** The page's address with its token, as the server printed it. */
  readonly url: string
  readonly origin: string
  readonly token: string
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | NodeJS.Signals | null>
}

/** Start `src/main/web/serve.ts` with TMPDIR `tmp`, resolving once it prints its address. */
export function startServe(tmp: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/web/serve.ts', '--port', '0'], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)))
  let [out, err] = ['', '']
  child.stderr!.on('data', (chunk: Buffer) => void (err += chunk.toString()))
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const url = /running at (\S+)/.exec(out)?.[1]
      if (!url) return
      const parsed = new URL(url)
      resolve({ child, pid: child.pid!, url, origin: parsed.origin, token: parsed.searchParams.get('token')!, exited })
    })
    void exited.then((code) => reject(new Error(`the server exited (${code}) before it started: ${err.slice(-2000)}`)))
  })
}

/** Stop `server` as Ctrl-C would, waiting for it to exit. */
export async function stopServe(server: ServeProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return
  server.child.kill('SIGTERM')
  await server.exited
}
