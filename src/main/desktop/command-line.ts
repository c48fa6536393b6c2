import { app } from 'electron'
import { errorMessage } from '../../shared/error-message'

/** The switch that makes the installed app's binary run the `digit-lab` command line instead of its window. */
export const CLI_SWITCH = '--cli'

/** The command line's arguments when the app was started as `digit-lab --cli <command> …`, else null. */
export function commandLineArgs(argv: readonly string[]): string[] | null {
  const at = argv.indexOf(CLI_SWITCH)
  return at < 0 ? null : argv.slice(at + 1)
}

/**
 * `digit-lab --cli train …` from an installed app (whose fuses forbid running it as plain Node): the same CLI as
 * `npm run train`, in the main process, with no window, no single-instance lock and the CLI's exit code.
 */
export function runCommandLine(args: string[]): void {
  app.dock?.hide()
  import('../cli/index')
    .then((cli) => cli.main(args))
    .then(
      (code) => app.exit(code),
      (error: unknown) => {
        process.stderr.write(`digit-lab: ${errorMessage(error)}\n`)
        app.exit(1)
      },
    )
}
