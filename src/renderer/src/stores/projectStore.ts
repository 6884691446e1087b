/**
 * The open project: its folder, the edited copy of project.json, whether it differs from the
 * saved file (the dirty marker), New / Open / Save / Save As / Close with a confirmation before
 * unsaved work is dropped, the experiments' validation as the user types (the shared schema, so
 * the problems and their JSON paths are the ones `mscale validate` prints), and autosave of
 * unsaved edits to the recovery draft (workspace.saveRecovery), offered back at the next start.
 *
 * The project object is small and edited field by field by the forms, so it is deeply reactive;
 * dirtiness compares its JSON text with the text last saved, so undoing an edit clears it.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { ServiceError } from '../../../shared/api/serviceContract'
import {
  INVALID_PROJECT_ERROR, type InvalidProjectDetails, type OpenedProject, type ProjectProblem, type RecoveryDraft,
} from '../../../shared/api/workbenchApi'
import type { Experiment, Project } from '../../../shared/project/experimentTypes'
import type { SweepDefinition } from '../../../shared/sweep/sweepTypes'
import { defaultExperiment, EXPERIMENT_ID_PATTERN, parseProject, validateExperiment } from '../../../shared/project/projectSchema'
import { useConnectionStore } from './connectionStore'
import { useDialogStore } from './dialogStore'
import { relativeField, setAt, type FieldProblem } from './fieldPaths'
import { checkSweeps, type SweepCheck } from './sweepCheck'
import { useRunsStore } from './runsStore'
import { useTabsStore } from './tabsStore'
import { useToastStore } from './toastStore'
import { messageOf, useWorkspaceStore } from './workspaceStore'

/** Unsaved edits are written to the recovery draft at most this often (ms). */
export const RECOVERY_INTERVAL_MS = 2000
/** The suffix new project folders get (ARCHITECTURE.md, Projects on disk). */
export const PROJECT_FOLDER_SUFFIX = '.mscale'

/** The validation of one experiment of the edited project. */
export interface ExperimentCheck {
  key: string
  index: number
  /** valid and normalised (defaults filled), present exactly when there are no problems */
  experiment?: Experiment
  problems: FieldProblem[]
  warnings: FieldProblem[]
}

export const useProjectStore = defineStore('project', () => {
  const connection = useConnectionStore()
  const dialogs = useDialogStore()
  const toasts = useToastStore()
  const workspace = useWorkspaceStore()
  const runs = useRunsStore()
  const tabs = useTabsStore()

  /** the project's folder; null for a recovered draft that was never saved */
  const dir = ref<string | null>(null)
  const project = ref<Project | null>(null)
  /** a stable key per experiment, parallel to project.experiments (tabs refer to these) */
  const experimentKeys = ref<string[]>([])
  /** a stable key per sweep, parallel to project.sweeps (sweep tabs refer to these) */
  const sweepKeys = ref<string[]>([])
  /** JSON text of the project as last opened or saved ('' = never saved) */
  const savedJson = ref('')
  /** accepted-but-worth-knowing notes from opening (migrations, unknown fields kept) */
  const openWarnings = shallowRef<ProjectProblem[]>([])
  /** what the shell is doing with the project, for the toolbar ("Saving…"), or '' */
  const busy = ref('')
  /** why the start-up project could not be shown, for the empty state */
  const startupError = ref('')

  let nextKey = 1
  let nextSweepKey = 1
  let recoveryTimer: ReturnType<typeof setTimeout> | undefined
  let recoveryWritten = false

  const json = computed(() => (project.value ? JSON.stringify(project.value) : ''))
  const dirty = computed(() => project.value !== null && json.value !== savedJson.value)
  const name = computed(() => project.value?.name ?? '')
  const experiments = computed<Experiment[]>(() => project.value?.experiments ?? [])

  /** Validation of every experiment, recomputed as the user types. */
  const checks = computed<ExperimentCheck[]>(() => {
    const list = experiments.value
    const firstIndexOfId = new Map<unknown, number>()
    return list.map((experiment, index) => {
      const prefix = `$.experiments[${index}]`
      const result = validateExperiment(experiment, prefix)
      const toField = (problem: ProjectProblem): FieldProblem => ({ ...problem, field: relativeField(problem.path, prefix) ?? problem.path })
      const problems = result.problems.map(toField)
      const earlier = firstIndexOfId.get(experiment.id)
      if (earlier === undefined) firstIndexOfId.set(experiment.id, index)
      else problems.push({ path: `${prefix}.id`, field: 'id', message: `duplicate id ${JSON.stringify(experiment.id)} (also used by experiment ${earlier + 1}); ids must be unique` })
      return {
        key: experimentKeys.value[index],
        index,
        experiment: problems.length === 0 ? result.experiment : undefined,
        problems,
        warnings: result.warnings.map(toField),
      }
    })
  })

  const problemCount = computed(() => checks.value.reduce((sum, check) => sum + check.problems.length, 0))

  /** the sweeps of the edited project (issue 4), [] when it has none */
  const sweeps = computed<SweepDefinition[]>(() => project.value?.sweeps ?? [])
  /** Validation of every sweep against the edited experiments, recomputed as the user types. */
  const sweepChecks = computed<SweepCheck[]>(() => {
    const ids = experiments.value.map((experiment) => experiment.id).filter((id): id is string => typeof id === 'string')
    return checkSweeps(sweeps.value, sweepKeys.value, ids)
  })

  function indexOfKey(key: string): number {
    return experimentKeys.value.indexOf(key)
  }

  function experimentOf(key: string): Experiment | undefined {
    const index = indexOfKey(key)
    return index < 0 ? undefined : experiments.value[index]
  }

  function checkOf(key: string): ExperimentCheck | undefined {
    return checks.value[indexOfKey(key)]
  }

  function keyOfExperimentId(id: string): string | undefined {
    const index = experiments.value.findIndex((experiment) => experiment.id === id)
    return index < 0 ? undefined : experimentKeys.value[index]
  }

  // -------------------------------------------------------------------------------------------
  // Adopting a project

  function newKeys(count: number): string[] {
    return Array.from({ length: count }, () => `experiment-${nextKey++}`)
  }

  function newSweepKeys(count: number): string[] {
    return Array.from({ length: count }, () => `sweep-${nextSweepKey++}`)
  }

  /** Makes `opened` the project shown, clean, with its first experiment's tab open. */
  async function adopt(opened: OpenedProject): Promise<void> {
    cancelRecoveryTimer()
    dir.value = opened.dir
    project.value = plainCopy(opened.project)
    experimentKeys.value = newKeys(opened.project.experiments.length)
    sweepKeys.value = newSweepKeys(opened.project.sweeps?.length ?? 0)
    savedJson.value = json.value
    openWarnings.value = opened.warnings
    startupError.value = ''
    tabs.reset()
    if (experimentKeys.value.length > 0) tabs.openExperiment(experimentKeys.value[0])
    await runs.setProject(opened.dir)
  }

  /** Shows the problems of a project that could not be opened; nothing of it is opened. */
  async function reportOpenFailure(caught: unknown, title: string): Promise<void> {
    if (ServiceError.isServiceError(caught) && caught.code === INVALID_PROJECT_ERROR) {
      const details = caught.details as InvalidProjectDetails | undefined
      await dialogs.showProblems({
        title,
        message: `${caught.message.replace(/\.?$/, '.')} Fix these in project.json (\`mscale validate <folder>\` lists them too) and open it again.`,
        problems: details?.problems ?? [],
      })
    } else {
      toasts.show('error', `${title}: ${messageOf(caught)}`)
    }
  }

  /**
   * Asks what to do with unsaved edits before they would be dropped (`action`: "open another
   * project", ...). Resolves true when the caller may go on.
   */
  async function confirmDiscard(action: string): Promise<boolean> {
    if (!dirty.value) return true
    const answer = await dialogs.choose({
      title: 'Unsaved changes',
      message: `"${name.value}" has unsaved changes. Save them before you ${action}?`,
      cancelId: 'cancel',
      choices: [
        { id: 'cancel', label: 'Cancel' },
        { id: 'discard', label: "Don't save", danger: true },
        { id: 'save', label: 'Save', primary: true },
      ],
    })
    if (answer === 'save') return save()
    if (answer === 'discard') {
      await discardRecovery()
      return true
    }
    return false
  }

  // -------------------------------------------------------------------------------------------
  // Start-up, open, new, close

  /** First start: a copy of the example; later: the last project. Then offers a recovered draft. */
  async function startup(): Promise<void> {
    const client = connection.requireClient()
    try {
      await adopt(await client.workspace.startupProject())
      void workspace.refreshRecent()
    } catch (caught) {
      startupError.value = `The last project could not be opened: ${messageOf(caught)}`
      if (ServiceError.isServiceError(caught) && caught.code === INVALID_PROJECT_ERROR) await reportOpenFailure(caught, 'The last project could not be opened')
    }
    let draft: RecoveryDraft | null = null
    try {
      draft = await client.workspace.loadRecovery()
    } catch (caught) {
      toasts.show('warning', `The recovery file could not be read: ${messageOf(caught)}`)
    }
    if (!draft) return
    const answer = await dialogs.offerRecovery(draft)
    if (answer === 'restore') await restoreDraft(draft)
    else await discardRecovery()
  }

  /** Puts an autosaved draft back: its folder's project opened underneath, its edits on top. */
  async function restoreDraft(draft: RecoveryDraft): Promise<void> {
    const client = connection.requireClient()
    if (draft.dir && draft.dir !== dir.value) {
      try {
        await adopt(await client.project.open(draft.dir))
      } catch {
        // The folder is gone or broken: keep the draft alone; Save writes it back there.
        tabs.reset()
        dir.value = draft.dir
        savedJson.value = ''
        await runs.setProject(null)
      }
    } else if (!draft.dir) {
      tabs.reset()
      dir.value = null
      savedJson.value = ''
      await runs.setProject(null)
    }
    project.value = plainCopy(draft.project)
    experimentKeys.value = newKeys(draft.project.experiments.length)
    sweepKeys.value = newSweepKeys(draft.project.sweeps?.length ?? 0)
    tabs.reset()
    if (experimentKeys.value.length > 0) tabs.openExperiment(experimentKeys.value[0])
    recoveryWritten = true
  }

  /** Opens a project folder (asks for one when not given). Resolves true when it is open. */
  async function open(folder?: string): Promise<boolean> {
    if (!(await confirmDiscard('open another project'))) return false
    const chosen = folder ?? (await workspace.chooseDirectory('open-project', 'Open project', parentOf(dir.value)))
    if (!chosen) return false
    busy.value = 'Opening…'
    let opened: OpenedProject
    try {
      opened = await connection.requireClient().project.open(chosen)
    } catch (caught) {
      busy.value = ''
      await reportOpenFailure(caught, 'The project could not be opened')
      return false
    }
    busy.value = ''
    await adopt(opened)
    await discardRecovery()
    void workspace.refreshRecent()
    return true
  }

  /** Creates a project: a parent folder, a name, then <parent>/<name>.mscale with one experiment. */
  async function create(): Promise<boolean> {
    if (!(await confirmDiscard('create a new project'))) return false
    const parent = await workspace.chooseDirectory('new-project', 'New project: choose where to create it', workspace.info?.defaultProjectFolder)
    if (!parent) return false
    const projectName = await dialogs.prompt({
      title: 'New project',
      label: 'Project name',
      value: 'my-study',
      confirmLabel: 'Create',
      validate: (value) => (projectFolderName(value) === '' ? 'Give the project a name with at least one letter or digit.' : undefined),
      describe: (value) => `Creates the folder ${joinPath(parent, projectFolderName(value) || '…')}`,
    })
    if (projectName === null) return false
    busy.value = 'Creating…'
    try {
      await adopt(await connection.requireClient().project.create({ dir: joinPath(parent, projectFolderName(projectName)), name: projectName.trim() }))
      await discardRecovery()
      void workspace.refreshRecent()
      return true
    } catch (caught) {
      toasts.show('error', `The project could not be created: ${messageOf(caught)}`)
      return false
    } finally {
      busy.value = ''
    }
  }

  /** Closes the project (after asking about unsaved edits). */
  async function close(): Promise<boolean> {
    if (!project.value) return true
    if (!(await confirmDiscard('close the project'))) return false
    cancelRecoveryTimer()
    project.value = null
    dir.value = null
    savedJson.value = ''
    experimentKeys.value = []
    sweepKeys.value = []
    openWarnings.value = []
    tabs.reset()
    await runs.setProject(null)
    void workspace.refreshRecent()
    return true
  }

  // -------------------------------------------------------------------------------------------
  // Save

  /** Problems that stop a save, from the same schema the service checks with. */
  function saveProblems(): ProjectProblem[] {
    if (!project.value) return []
    const parsed = parseProject(plainCopy(project.value))
    return parsed.ok ? [] : parsed.problems
  }

  async function writeTo(folder: string): Promise<boolean> {
    if (!project.value) return false
    const problems = saveProblems()
    if (problems.length > 0) {
      await dialogs.showProblems({
        title: 'Not saved',
        message: `The project has ${problems.length} problem${problems.length === 1 ? '' : 's'}; they are marked next to their fields. Fix them and save again (your edits are kept in the recovery file meanwhile).`,
        problems,
      })
      return false
    }
    const snapshot = json.value
    busy.value = 'Saving…'
    try {
      await connection.requireClient().project.save({ dir: folder, project: JSON.parse(snapshot) as Project })
      dir.value = folder
      savedJson.value = snapshot
      await discardRecovery()
      return true
    } catch (caught) {
      if (ServiceError.isServiceError(caught) && caught.code === INVALID_PROJECT_ERROR) {
        await dialogs.showProblems({ title: 'Not saved', message: caught.message, problems: (caught.details as InvalidProjectDetails | undefined)?.problems ?? [] })
      } else {
        toasts.show('error', `The project was not saved: ${messageOf(caught)}`)
      }
      return false
    } finally {
      busy.value = ''
    }
  }

  /** Ctrl+S: writes project.json (Save As for a project without a folder). */
  async function save(): Promise<boolean> {
    if (!project.value) return false
    if (!dir.value) return saveAs()
    return writeTo(dir.value)
  }

  /** Ctrl+Shift+S: writes project.json into another folder, which becomes the project's. */
  async function saveAs(): Promise<boolean> {
    if (!project.value) return false
    const folder = await workspace.chooseDirectory('save-project-as', 'Save project as', parentOf(dir.value))
    if (!folder) return false
    if (folder !== dir.value && (await holdsProjectFile(folder))) {
      const replace = await dialogs.confirm({
        title: 'Replace project?',
        message: `${folder} already holds a project.json. Replace it with "${name.value}"? Its runs stay where they are.`,
        confirmLabel: 'Replace',
        danger: true,
      })
      if (!replace) return false
    }
    const previous = dir.value
    const saved = await writeTo(folder)
    if (saved && folder !== previous) {
      await runs.setProject(folder)
      void workspace.refreshRecent()
    }
    return saved
  }

  async function holdsProjectFile(folder: string): Promise<boolean> {
    try {
      const listing = await connection.requireClient().workspace.listDirectory({ dir: folder })
      return listing.entries.some((entry) => entry.kind === 'file' && entry.name === 'project.json')
    } catch {
      return false
    }
  }

  // -------------------------------------------------------------------------------------------
  // Experiments

  function uniqueId(base: string): string {
    const taken = new Set(experiments.value.map((experiment) => experiment.id))
    const stem = base.replace(/-\d+$/, '')
    if (!taken.has(base)) return base
    for (let n = 2; ; n++) {
      const candidate = `${stem}-${n}`
      if (!taken.has(candidate) && EXPERIMENT_ID_PATTERN.test(candidate)) return candidate
    }
  }

  /** Adds a default experiment (the spec's reference configuration); returns its key. */
  function addExperiment(): string | null {
    if (!project.value) return null
    const experiment = defaultExperiment(uniqueId('experiment-1'))
    project.value.experiments.push(experiment)
    const [key] = newKeys(1)
    experimentKeys.value = [...experimentKeys.value, key]
    tabs.openExperiment(key)
    return key
  }

  /** Adds a copy of an experiment right after it; returns the copy's key. */
  function duplicateExperiment(key: string): string | null {
    const index = indexOfKey(key)
    if (!project.value || index < 0) return null
    const source = plainCopy(project.value.experiments[index])
    const idBase = typeof source.id === 'string' && source.id !== '' ? `${source.id.slice(0, 58)}-copy` : 'experiment-copy'
    const copy = { ...source, id: uniqueId(idBase) }
    if (typeof source.name === 'string') copy.name = `${source.name} (copy)`
    project.value.experiments.splice(index + 1, 0, copy)
    const [copyKey] = newKeys(1)
    const keys = [...experimentKeys.value]
    keys.splice(index + 1, 0, copyKey)
    experimentKeys.value = keys
    tabs.openExperiment(copyKey)
    return copyKey
  }

  /** Deletes an experiment after a confirmation (its runs stay on disk). */
  async function deleteExperiment(key: string, ask = true): Promise<boolean> {
    const index = indexOfKey(key)
    if (!project.value || index < 0) return false
    const experiment = project.value.experiments[index]
    if (ask) {
      const label = experiment.name ?? experiment.id
      const ok = await dialogs.confirm({
        title: 'Delete experiment?',
        message: `Delete "${label}" from the project? Its runs stay in the project folder; Save makes the deletion permanent.`,
        confirmLabel: 'Delete',
        danger: true,
      })
      if (!ok) return false
    }
    project.value.experiments.splice(index, 1)
    experimentKeys.value = experimentKeys.value.filter((entry) => entry !== key)
    tabs.closeWhere((tab) => tab.kind === 'experiment' && tab.experimentKey === key)
    return true
  }

  /** Sets one field of an experiment by its path ("network.scales[2]"); undefined removes it. */
  function setField(key: string, path: string, value: unknown): void {
    const experiment = experimentOf(key)
    if (!experiment) return
    setAt(experiment as Record<string, unknown>, path, value)
  }

  // -------------------------------------------------------------------------------------------
  // Sweeps (issue 4): edited here like experiments, saved with the project; the sweep service
  // reads them from the saved project.json.

  function indexOfSweepKey(key: string): number {
    return sweepKeys.value.indexOf(key)
  }

  function sweepOf(key: string): SweepDefinition | undefined {
    const index = indexOfSweepKey(key)
    return index < 0 ? undefined : sweeps.value[index]
  }

  function sweepCheckOf(key: string): SweepCheck | undefined {
    return sweepChecks.value[indexOfSweepKey(key)]
  }

  function keyOfSweepId(id: string): string | undefined {
    const index = sweeps.value.findIndex((sweep) => sweep.id === id)
    return index < 0 ? undefined : sweepKeys.value[index]
  }

  function uniqueSweepId(base: string): string {
    const taken = new Set(sweeps.value.map((sweep) => sweep.id))
    const stem = base.replace(/-\d+$/, '')
    if (!taken.has(base)) return base
    for (let n = 2; ; n++) {
      const candidate = `${stem}-${n}`
      if (!taken.has(candidate)) return candidate
    }
  }

  /**
   * Adds a small grid sweep over the network seed of `baseId` (default: the first experiment)
   * and opens its tab; returns its key.
   */
  function addSweep(baseId?: string): string | null {
    if (!project.value) return null
    const base = baseId ?? (typeof experiments.value[0]?.id === 'string' ? experiments.value[0].id : '')
    const sweep: SweepDefinition = { id: uniqueSweepId('sweep-1'), base, mode: 'grid', axes: [{ path: 'network.seed', values: { from: 0, to: 1 } }] }
    project.value.sweeps = [...(project.value.sweeps ?? []), sweep]
    const [key] = newSweepKeys(1)
    sweepKeys.value = [...sweepKeys.value, key]
    tabs.openSweep(key)
    return key
  }

  /** Deletes a sweep from the project after a confirmation (its runs and state stay on disk). */
  async function deleteSweep(key: string, ask = true): Promise<boolean> {
    const index = indexOfSweepKey(key)
    if (!project.value?.sweeps || index < 0) return false
    if (ask) {
      const ok = await dialogs.confirm({
        title: 'Delete sweep?',
        message: `Delete the sweep "${String(project.value.sweeps[index].id)}" from the project? Its runs stay in the project folder; Save makes the deletion permanent.`,
        confirmLabel: 'Delete',
        danger: true,
      })
      if (!ok) return false
    }
    project.value.sweeps.splice(index, 1)
    if (project.value.sweeps.length === 0 && !savedHasSweeps()) delete project.value.sweeps
    sweepKeys.value = sweepKeys.value.filter((entry) => entry !== key)
    tabs.closeWhere((tab) => tab.kind === 'sweep' && tab.sweepKey === key)
    return true
  }

  /** Whether the saved file has a "sweeps" list (so an emptied list is written back as []). */
  function savedHasSweeps(): boolean {
    return savedJson.value !== '' && Array.isArray((JSON.parse(savedJson.value) as { sweeps?: unknown }).sweeps)
  }

  /** Sets one field of a sweep by its path ("axes[1].values"); undefined removes it. */
  function setSweepField(key: string, path: string, value: unknown): void {
    const sweep = sweepOf(key)
    if (!sweep) return
    setAt(sweep as Record<string, unknown>, path, value)
  }

  function setProjectName(value: string): void {
    if (project.value) project.value.name = value
  }

  // -------------------------------------------------------------------------------------------
  // Recovery

  function cancelRecoveryTimer(): void {
    if (recoveryTimer !== undefined) clearTimeout(recoveryTimer)
    recoveryTimer = undefined
  }

  async function writeRecovery(): Promise<void> {
    if (!project.value || !dirty.value) return
    const draft: RecoveryDraft = { project: JSON.parse(json.value) as Project, savedAt: new Date().toISOString() }
    if (dir.value) draft.dir = dir.value
    try {
      await connection.requireClient().workspace.saveRecovery(draft)
      recoveryWritten = true
    } catch {
      // Autosave is a safety net; a failed write is retried after the next edit.
    }
  }

  async function discardRecovery(): Promise<void> {
    cancelRecoveryTimer()
    recoveryWritten = false
    try {
      await connection.client?.workspace.discardRecovery()
    } catch {
      // Nothing to discard, or the folder is read-only: the next save or draft replaces it.
    }
  }

  watch(json, () => {
    if (dirty.value) {
      // Throttled: the first edit arms the timer, later edits ride along in the same write.
      recoveryTimer ??= setTimeout(() => {
        recoveryTimer = undefined
        void writeRecovery()
      }, RECOVERY_INTERVAL_MS)
    } else if (recoveryWritten) {
      void discardRecovery()
    }
  })

  return {
    dir, project, experimentKeys, savedJson, openWarnings, busy, startupError,
    json, dirty, name, experiments, checks, problemCount,
    indexOfKey, experimentOf, checkOf, keyOfExperimentId,
    sweepKeys, sweeps, sweepChecks, indexOfSweepKey, sweepOf, sweepCheckOf, keyOfSweepId, addSweep, deleteSweep, setSweepField,
    startup, restoreDraft, open, create, close, save, saveAs, confirmDiscard, saveProblems,
    addExperiment, duplicateExperiment, deleteExperiment, setField, setProjectName, discardRecovery,
  }
})

/** A plain deep copy (no reactive proxies): what crosses the API. */
function plainCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

/** "My study" -> "My-study.mscale"; '' when nothing usable is left. */
export function projectFolderName(projectName: string): string {
  const stem = projectName.trim().replace(/\.mscale$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '')
  return stem === '' ? '' : `${stem}${PROJECT_FOLDER_SUFFIX}`
}

/** Joins a folder and a name with the folder's own separator. */
export function joinPath(folder: string, child: string): string {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/'
  return folder.endsWith(separator) ? `${folder}${child}` : `${folder}${separator}${child}`
}

/** The folder above a path, or undefined. */
export function parentOf(path: string | null): string | undefined {
  if (!path) return undefined
  const trimmed = path.replace(/[\\/]+$/, '')
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'))
  return cut > 0 ? trimmed.slice(0, cut) : cut === 0 ? trimmed.slice(0, 1) : undefined
}
