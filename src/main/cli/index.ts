import { EXPORT_PYTORCH_USAGE, runExportPytorch } from './export-pytorch'
import { INSPECT_USAGE, runInspect } from './inspect'
import { PREDICT_USAGE, runPredict } from './predict'
import { PRETRAIN_USAGE, runPretrain } from './pretrain'
import { runTrainCommand } from './train'
import { TRAIN_USAGE } from './train-args'
import { UsageError } from './usage'

const USAGE = `usage: digit-lab <command> [options]
commands:
  train     train a model on a dataset and print the epoch table
  predict   classify an image or a folder of images with an ONNX model
  inspect   show how a folder, CSV or IDX files would import, with a contact sheet
  export-pytorch  write a saved run as a PyTorch project (train.py with DDP, data, weights)
  pretrain        make a built-in starting point from its recipe (MNIST's training images)
Run "digit-lab <command> --help" for a command's options.`

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<unknown>; usage: string }> = {
  train: { run: runTrainCommand, usage: TRAIN_USAGE },
  predict: { run: runPredict, usage: PREDICT_USAGE },
  inspect: { run: runInspect, usage: INSPECT_USAGE },
  'export-pytorch': { run: runExportPytorch, usage: EXPORT_PYTORCH_USAGE },
  pretrain: { run: runPretrain, usage: PRETRAIN_USAGE },
}

/** Run the CLI; returns the exit code: 0 done, 1 failed, 2 bad arguments. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  const command = name === undefined ? undefined : COMMANDS[name]
  if (!command) {
    process.stderr.write(`${name ? `unknown command "${name}"\n` : ''}${USAGE}\n`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`)
    return 0
  }
  try {
    await command.run(rest)
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`digit-lab ${name}: ${error.message}\n${error.usage}\n`)
      return 2
    }
    process.stderr.write(`digit-lab ${name}: ${(error as Error).message}\n`)
    return 1
  }
}
