/**
 * The shell's commands (UI.md, Keyboard): New, Open, Save, Save As, Close tab, Run and Cancel,
 * from the toolbar, the keyboard, or the Electron menus (SHELL_SERVICE 'command' events). In
 * Electron a shortcut may arrive both as a key press and as a menu command; the second of the
 * pair within DUPLICATE_WINDOW_MS is dropped. On a sweep tab, Run saves and starts (or resumes)
 * the sweep and Cancel cancels it.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { RunSummary, ShellCommand } from '../../../shared/api/workbenchApi'
import { useDialogStore } from './dialogStore'
import { useProjectStore } from './projectStore'
import { isActive, LONG_RUN_SECONDS, useRunsStore } from './runsStore'
import { defaultSweepWorkers, useSweepStore } from './sweepStore'
import { useTabsStore } from './tabsStore'
import { useToastStore } from './toastStore'
import { useWorkspaceStore } from './workspaceStore'

export type CommandSource = 'keyboard' | 'menu' | 'button'

export const DUPLICATE_WINDOW_MS = 300

/** The shortcut of each command, as the menus and tooltips show it. */
export const SHORTCUTS: Record<ShellCommand, string> = {
  'new-project': 'Ctrl+N',
  'open-project': 'Ctrl+O',
  save: 'Ctrl+S',
  'save-as': 'Ctrl+Shift+S',
  'close-tab': 'Ctrl+W',
  run: 'Ctrl+Enter',
  cancel: 'Esc',
}

/** The command a key press means, or null. Cmd counts as Ctrl (macOS). */
export function commandOfKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): ShellCommand | null {
  const control = event.ctrlKey || event.metaKey
  if (event.altKey) return null
  if (!control) return event.key === 'Escape' && !event.shiftKey ? 'cancel' : null
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key
  if (key === 'Enter') return 'run'
  if (key === 's') return event.shiftKey ? 'save-as' : 'save'
  if (event.shiftKey) return null
  if (key === 'n') return 'new-project'
  if (key === 'o') return 'open-project'
  if (key === 'w') return 'close-tab'
  return null
}

export const useCommandsStore = defineStore('commands', () => {
  const project = useProjectStore()
  const runs = useRunsStore()
  const tabs = useTabsStore()
  const dialogs = useDialogStore()
  const toasts = useToastStore()
  const sweeps = useSweepStore()
  const workspace = useWorkspaceStore()

  /** a command is being carried out (Run saving and starting, ...) */
  const pending = ref<ShellCommand | null>(null)
  const lastSeen = new Map<ShellCommand, { source: CommandSource; at: number }>()

  /** The experiment the Run button acts on: the active experiment tab's, or a run tab's. */
  function currentExperimentKey(): string | undefined {
    const tab = tabs.active
    if (tab?.kind === 'experiment') return project.indexOfKey(tab.experimentKey) >= 0 ? tab.experimentKey : undefined
    if (tab?.kind === 'run') return project.keyOfExperimentId(tab.experimentId)
    return project.experimentKeys.length === 1 ? project.experimentKeys[0] : undefined
  }

  /** The run Esc cancels: the run tab's, else the newest active run of the current experiment, else any. */
  function cancelTarget(): RunSummary | undefined {
    const tab = tabs.active
    if (tab?.kind === 'run') {
      const run = runs.find(tab.runId)
      if (run && isActive(run.status)) return run
    }
    const key = currentExperimentKey()
    const experimentId = key ? project.experimentOf(key)?.id : undefined
    const ofExperiment = experimentId ? runs.activeRuns.find((run) => run.experimentId === experimentId) : undefined
    return ofExperiment ?? runs.runningRuns[0] ?? runs.activeRuns[0]
  }

  /** Ctrl+Enter: saves if needed (runs read project.json), starts, and opens the run's tab. */
  async function runCurrent(): Promise<string | null> {
    const tab = tabs.active
    if (tab?.kind === 'sweep') return (await runSweep(tab.sweepKey)) ? tab.sweepKey : null
    if (!project.project) {
      toasts.show('info', 'Open a project (Ctrl+O) or create one (Ctrl+N) first.')
      return null
    }
    const key = currentExperimentKey()
    const experiment = key ? project.experimentOf(key) : undefined
    if (!key || !experiment) {
      toasts.show('info', project.experimentKeys.length === 0
        ? 'Add an experiment first: the + button in the explorer.'
        : 'Open the experiment to run: click it in the explorer, then Run (Ctrl+Enter).')
      return null
    }
    const problems = project.checkOf(key)?.problems ?? []
    if (problems.length > 0) {
      tabs.openExperiment(key)
      toasts.show('error', `"${experiment.id}" has ${problems.length} problem${problems.length === 1 ? '' : 's'}: fix the fields marked in red, then run.`)
      return null
    }
    if (project.dirty || !project.dir) {
      if (!(await project.save())) return null
    }
    const started = await runs.start(experiment.id)
    if (!started) {
      tabs.openExperiment(key)
      toasts.show('error', `The run of "${experiment.id}" was refused: ${runs.startErrors[experiment.id] ?? 'see the run list'}`)
      return null
    }
    tabs.openRun({ ...started, experimentId: experiment.id })
    return started.runId
  }

  /** The parallel runs a sweep starts with: the user's choice, else one per core but one (one on a GPU). */
  function sweepWorkers(sweepId: string, baseId: unknown): number {
    return sweeps.workerChoice[sweepId] ?? defaultWorkersFor(baseId)
  }

  /** The default parallel runs of a sweep of base experiment `baseId` on this machine. */
  function defaultWorkersFor(baseId: unknown): number {
    const base = project.experiments.find((experiment) => experiment.id === baseId)
    const backend = base?.training?.backend
    return defaultSweepWorkers(workspace.info?.cores ?? 2, backend === undefined || backend === 'auto' ? workspace.autoBackend ?? undefined : backend)
  }

  /**
   * Run on a sweep tab: refuses a sweep with problems (they are marked in its form), saves the
   * project when needed (the sweep service reads the saved project.json), then starts or resumes
   * the sweep. Resolves true when it runs; a refusal is shown in the sweep's run panel.
   */
  async function runSweep(sweepKey: string): Promise<boolean> {
    const sweep = project.sweepOf(sweepKey)
    if (!sweep) return false
    const problems = project.sweepCheckOf(sweepKey)?.problems ?? []
    if (problems.length > 0) {
      toasts.show('error', `The sweep "${String(sweep.id)}" has ${problems.length} problem${problems.length === 1 ? '' : 's'}: fix the fields marked in red, then run.`)
      return false
    }
    if (project.dirty || !project.dir) {
      if (!(await project.save())) return false
    }
    if (sweeps.projectDir !== project.dir) await sweeps.setProject(project.dir)
    return sweeps.start(sweep.id, sweepWorkers(sweep.id, sweep.base))
  }

  /** Esc on a sweep tab: cancels the sweep (its finished points are kept), asking first after a while. */
  async function cancelSweep(sweepKey: string): Promise<boolean> {
    const sweepId = project.sweepOf(sweepKey)?.id
    if (!sweepId || !sweeps.isActive(sweepId)) return false
    const progress = sweeps.progressOf(sweepId)
    if ((progress?.elapsedSeconds ?? 0) >= LONG_RUN_SECONDS) {
      const ok = await dialogs.confirm({
        title: 'Cancel the sweep?',
        message: `The sweep "${sweepId}" has finished ${progress?.finished ?? 0} of ${progress?.total ?? 0} points. Cancel it? Finished points are kept; the running ones stop and run again on Resume. (Pause instead lets them finish.)`,
        confirmLabel: 'Cancel sweep',
        cancelLabel: 'Keep running',
        danger: true,
      })
      if (!ok) return false
    }
    await sweeps.cancel(sweepId)
    return true
  }

  /** Esc: cancels the current run, asking first when it has run for a while. */
  async function cancelCurrent(): Promise<boolean> {
    const tab = tabs.active
    if (tab?.kind === 'sweep') return cancelSweep(tab.sweepKey)
    const run = cancelTarget()
    if (!run) return false
    return cancelRun(run.runId)
  }

  async function cancelRun(runId: string): Promise<boolean> {
    const run = runs.find(runId)
    if (!run || !isActive(run.status)) return false
    if (runs.isLong(runId)) {
      const minutes = runs.elapsedSeconds(runId) / 60
      const ok = await dialogs.confirm({
        title: 'Cancel the run?',
        message: `The run of "${run.experimentId}" has been going for ${minutes >= 1 ? `${minutes.toFixed(1)} min` : `${Math.round(minutes * 60)} s`}. Cancel it? What it computed so far is kept as a cancelled run.`,
        confirmLabel: 'Cancel run',
        cancelLabel: 'Keep running',
        danger: true,
      })
      if (!ok) return false
    }
    await runs.cancel(runId)
    return true
  }

  /** Carries out a command; a repeat from the other source right after is dropped. */
  async function execute(command: ShellCommand, source: CommandSource = 'button'): Promise<void> {
    const now = Date.now()
    const last = lastSeen.get(command)
    lastSeen.set(command, { source, at: now })
    if (last && last.source !== source && source !== 'button' && last.source !== 'button' && now - last.at < DUPLICATE_WINDOW_MS) return
    if (dialogs.active) return
    if (pending.value && command !== 'cancel') return
    pending.value = command
    try {
      switch (command) {
        case 'new-project': await project.create(); break
        case 'open-project': await project.open(); break
        case 'save': await project.save(); break
        case 'save-as': await project.saveAs(); break
        case 'close-tab': tabs.closeActive(); break
        case 'run': await runCurrent(); break
        case 'cancel': await cancelCurrent(); break
      }
    } finally {
      if (pending.value === command) pending.value = null
    }
  }

  return { pending, currentExperimentKey, cancelTarget, runCurrent, runSweep, cancelSweep, sweepWorkers, defaultWorkersFor, cancelCurrent, cancelRun, execute }
})
