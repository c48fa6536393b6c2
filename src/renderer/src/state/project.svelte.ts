import type { ProjectHistoryView, ProjectView, SaveProjectReply } from '../../../shared/projects'
import { download } from '../lib/download'
import { count, counted } from '../lib/format'
import { hasDialogs } from '../lib/platform'
import { dataset } from './dataset.svelte'
import { model } from './model.svelte'
import { trainForm } from './train-form.svelte'
import { training } from './training.svelte'
import { errorText, withoutUploadFolders } from '../lib/error-text'
import { FileOpener } from './file-opener.svelte'

/** A project as the page shows it: its problem naming an uploaded folder as it was uploaded, not by the server's temporary path. */
const shown = (view: ProjectView | null): ProjectView | null => (view?.problem ? { ...view, problem: withoutUploadFolders(view.problem) } : view)


/** The file a project was opened from or saved to, by name; null for a run not saved yet. */
const fileName = (view: ProjectView): string | null => view.path?.split(/[\\/]/).pop() ?? null

/** How far a project was trained: "2 epochs", or "0 epochs and 34 batches" for a run stopped part-way through one. */
export function trainedSoFar(view: ProjectView): string {
  const epochs = counted(view.epochsDone, 'epoch')
  return view.batchesSinceEpoch > 0 ? `${epochs} and ${count(view.batchesSinceEpoch)} batch${view.batchesSinceEpoch === 1 ? '' : 'es'}` : epochs
}

/** What a project's curves are, in a line: "Project digits.digitlab: 2 epochs" (or "Last run: …"). */
function describe(view: ProjectView): string {
  const file = fileName(view)
  return `${file ? `Project ${file}` : 'Last run'}: ${view.config.model.kind}, ${trainedSoFar(view)}`
}

/** Show a project's curves in the Train view, and its settings in the form: Train then runs what it was trained with. */
function showProject(view: ProjectView, history: ProjectHistoryView): void {
  training.showHistory(history, view.config, describe(view))
  const file = fileName(view)
  trainForm.adopt(view.config, view.epochsDone, file ? `project ${file}` : 'the last run')
}

/** A project file a browser uploaded: its path on this machine, and the name the person chose it by. */
interface UploadedProject {
  readonly path: string
  readonly name: string
}

const UPLOADED_KEY = 'digit-lab-uploaded-project'

/** The project file this tab uploaded last, kept in sessionStorage so a reloaded page names it the same. */
function rememberedUpload(): UploadedProject | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(UPLOADED_KEY) ?? 'null') as Partial<UploadedProject> | null
    return typeof value?.path === 'string' && typeof value.name === 'string' ? { path: value.path, name: value.name } : null
  } catch {
    return null
  }
}

/**
 * The project main holds — the last run, or a project file opened — and saving, opening and
 * continuing it. Desktop: native dialogs; browser: a download, and a file chosen (uploaded) or a typed path to open.
 */
class ProjectState {
  view = $state.raw<ProjectView | null>(null)
  /** Opening and saving a project file, and the refusal. */
  readonly file = new FileOpener<'saving'>({
    dialog: 'open-project',
    upload: 'project',
    ask: 'Choose a .digitlab project file, or type or paste its path first.',
    openAt: (path) => this.#openAt(path),
    uploaded: (path, file) => {
      this.uploaded = { path, name: file.name }
      sessionStorage.setItem(UPLOADED_KEY, JSON.stringify(this.uploaded))
    },
  })
  /** The last project file uploaded from this tab, so it is named as the person knows it, not by its temporary path. */
  uploaded = $state.raw<UploadedProject | null>(rememberedUpload())
  /** The last save, for as long as the project saved is the one held. */
  saved = $state.raw<SaveProjectReply | null>(null)
  /** Epochs "Continue training" adds. */
  moreEpochs = $state(1)

  /** Why "Continue training" cannot run now, or null when it can. */
  readonly continueBlocker = $derived.by((): string | null => {
    if (!this.view) return 'Train a model or open a project first.'
    if (!this.view.continuable) return this.view.problem
    if (training.active) return 'A run is in progress.'
    if (dataset.importing) return 'Wait for the import to finish.'
    if (!Number.isInteger(this.moreEpochs) || this.moreEpochs < 1 || this.moreEpochs > 10_000) return 'Choose 1 to 10,000 more epochs.'
    return null
  })

  /** Ask main which project it holds (once, at startup): a reloaded page shows its curves again. */
  async load(): Promise<void> {
    try {
      const held = await window.api.currentProject()
      this.view = shown(held?.project ?? null)
      if (held && training.phase === 'idle' && training.epochs.length === 0) showProject(held.project, held.history)
    } catch (error) {
      this.file.error = errorText(error)
    }
  }

  receive(view: ProjectView | null): void {
    const saved = this.saved
    // NOTE: only a save to a file tells of itself (with its path), and its event may come before or after its reply; any other news is another project.
    const itself = saved !== null && saved.path !== null && view?.path === saved.path && view.epochsDone === saved.epochsDone
    if (!itself) this.saved = null
    this.view = shown(view)
  }

  /** Desktop: ask where, write there. Browser: the bytes come back and download. */
  async save(): Promise<void> {
    if (this.file.busy || !this.view) return
    let path: string | undefined
    if (hasDialogs()) {
      path = (await window.api.pickPath('save-project')) ?? undefined
      if (!path) return
    }
    await this.file.work('saving', async () => {
      const reply = await window.api.saveProject({ path })
      if (reply.base64) download(reply.base64, reply.fileName)
      this.saved = reply
    })
  }

  /** Where the project held was opened from or saved to, as the person knows it; null for a run not saved. */
  whereFrom(view: ProjectView): string | null {
    return view.path !== null && view.path === this.uploaded?.path ? `${this.uploaded.name} (uploaded)` : view.path
  }

  async #openAt(path: string): Promise<void> {
    const reply = await window.api.openProject(path)
    this.view = shown(reply.project)
    this.saved = null
    if (reply.dataset) dataset.view = reply.dataset
    if (reply.model) model.receive(reply.model)
    showProject(reply.project, reply.history)
  }

  /** Train `moreEpochs` more epochs of the project, its curves going on. */
  continueTraining(): void {
    if (this.continueBlocker === null && this.view) void training.continueRun(this.moreEpochs, this.view.config)
  }
}

export const project = new ProjectState()
