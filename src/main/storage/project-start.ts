import { basename } from 'node:path'
import type { StartWeights } from '../engine/pretrained/transfer'
import { openProject } from './project-state'

/**
 * A saved project's model as a starting point: its weights, architecture and labels. A one-logit (mnist loss)
 * model's single output is no row per label, so its head is replaced (no label names to match).
 */
export async function projectStart(path: string): Promise<StartWeights> {
  const project = await openProject(path)
  const { config, dataset } = project.manifest
  return {
    name: basename(path),
    model: config.model,
    labelNames: config.loss === 'mnist' ? [] : dataset.labelNames,
    state: project.modelState,
  }
}
