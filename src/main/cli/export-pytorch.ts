import { correctionsSummary } from '../../shared/corrections'
import { importDataset } from '../datasets'
import { formatParity } from '../onnx/parity'
import { exportPytorchProject, type PytorchExportResult } from '../pytorch/export-project'
import { defaultDataFolder } from '../storage/data-folder'
import { datasetFingerprint } from '../storage/project'
import { checkProjectData, openProject } from '../storage/project-state'
import { ProgressBar } from './terminal'
import { UsageError, userPath } from './usage'

export const EXPORT_PYTORCH_USAGE = `usage: digit-lab export-pytorch <project.digitlab> <dir>
Writes a saved run (a project from "digit-lab train --project" or the app's Save) as a plain PyTorch project in
<dir>, a new or empty folder: train.py (the same model, loss, optimizer, schedule and batch size; one process, or
torchrun with DistributedDataParallel), the run's data (MNIST's IDX files for the built-in samples, else the
split as ImageFolder PNGs, with the corrections the run used), weights.safetensors (train.py --resume continues from them), check.py (the weights in
PyTorch give the engine's logits), model.onnx, README.md and requirements.txt.`

/** `digit-lab export-pytorch PROJECT DIR`: open the project and its data, and write the PyTorch project. */
export async function runExportPytorch(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<PytorchExportResult> {
  const unknown = argv.find((arg) => arg.startsWith('-'))
  if (unknown) throw new UsageError(`unknown option ${unknown}`, EXPORT_PYTORCH_USAGE)
  if (argv.length !== 2) throw new UsageError(`expected a project file and a folder, got ${argv.length} argument${argv.length === 1 ? '' : 's'}`, EXPORT_PYTORCH_USAGE)
  const [projectPath, dir] = argv.map(userPath)
  const project = await openProject(projectPath)
  const { source, split } = project.manifest.dataset
  // The corrections `digit-lab train` and the app apply (beside the images, or in Digit Lab's data folder): the
  // fingerprint then says whether this is the data the run trained on, corrected labels and all.
  const { dataset, corrections } = await importDataset(source, { ...(split ?? {}), corrections: { dataFolder: defaultDataFolder() } })
  checkProjectData(project.manifest, datasetFingerprint(dataset))
  if (corrections && corrections.entries.length > 0) out.write(`corrections: ${correctionsSummary(corrections)} (${corrections.path}), exported as the run used them\n`)
  const bar = new ProgressBar()
  const result = await exportPytorchProject(dir, { snapshot: project, dataset, source }, (done, total) => bar.draw(done, total, `images ${done}/${total}`, done === total))
  bar.clear()
  const data = result.images > 0 ? `${result.images} images as ImageFolder PNGs` : 'MNIST\'s IDX files'
  out.write(`exported ${projectPath} to ${dir}: train.py, ${data}, weights.safetensors, check.py (${result.referenceImages} reference images), model.onnx (${formatParity(result.onnxParity)})\n`)
  out.write(`next: cd ${dir} && python check.py && python train.py\n`)
  return result
}
