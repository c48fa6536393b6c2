import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { SAMPLE_FOLDERS, writeSample, type SampleName } from '../datasets/samples'
import { ProgressBar } from './terminal'

const USAGE = `usage: npm run make-samples -- <dir> [--only mnist-sample|mnist] [--force]
Writes the built-in datasets as folders of PNG files, the layout Digit Lab imports:
  <dir>/mnist_sample/train/{3,7}, valid/{3,7}       fast.ai's MNIST_SAMPLE (6131/6265/1010/1028 images)
  <dir>/mnist_png/training/{0..9}, testing/{0..9}  all of MNIST (60,000 + 10,000 images)
File names are each image's index in MNIST's files, zero-padded, so their order is MNIST's order.
A folder that already exists is kept unless --force is given.`

interface Args {
  readonly dir: string
  readonly only: SampleName | null
  readonly force: boolean
}

function parseArgs(argv: readonly string[]): Args | string {
  let dir: string | null = null
  let only: SampleName | null = null
  let force = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--force') force = true
    else if (arg === '--only') {
      const value = argv[++i]
      if (value !== 'mnist-sample' && value !== 'mnist') return `--only takes mnist-sample or mnist, got ${value ?? 'nothing'}`
      only = value
    } else if (arg.startsWith('-')) return `unknown option ${arg}`
    else if (dir === null) dir = arg
    else return `one folder only, got ${dir} and ${arg}`
  }
  return dir === null ? 'missing <dir>' : { dir: resolve(dir), only, force }
}

function progress(name: string): (done: number, total: number) => void {
  const bar = new ProgressBar()
  return (done, total) => {
    bar.draw(done, total, `${name} ${done}/${total}`, done === total)
    if (done === total) bar.clear()
  }
}

/** `make-samples <dir>`: returns the exit code (0 done, 1 failed, 2 bad arguments). */
export async function runMakeSamples(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const args = parseArgs(argv)
  if (typeof args === 'string') {
    process.stderr.write(`make-samples: ${args}\n${USAGE}\n`)
    return 2
  }
  const names = args.only ? [args.only] : (Object.keys(SAMPLE_FOLDERS) as SampleName[])
  try {
    for (const name of names) {
      const started = performance.now()
      const written = await writeSample(args.dir, name, { force: args.force, onProgress: progress(name) })
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      process.stdout.write(
        written.files > 0
          ? `${written.folder}: ${written.files} PNG files in ${seconds} s\n`
          : `${written.folder}: already there, kept (use --force to rewrite)\n`,
      )
    }
    return 0
  } catch (error) {
    process.stderr.write(`make-samples: ${(error as Error).message}\n`)
    return 1
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runMakeSamples(process.argv.slice(2))
}
