/**
 * The runs of the open project: the list (run.list), start and cancel, and the live state of
 * active runs from the run service's events ('progress', 'finished'). Statuses follow RunStatus:
 * queued, running, done, cancelled, diverged, failed.
 *
 * Progress events can come many times a second per run; they replace one entry of a Map held in
 * a shallowRef (plus a version counter), so nothing deep is made reactive.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import { ServiceError } from '../../../shared/api/serviceContract'
import type { RunFinished, RunProgress, RunStatus, RunSummary } from '../../../shared/api/workbenchApi'
import { useConnectionStore } from './connectionStore'
import { useToastStore } from './toastStore'
import { messageOf } from './workspaceStore'

/** A run that has gone on this long asks before Esc cancels it (UI.md, Toolbar). */
export const LONG_RUN_SECONDS = 10
/** run.cancel's refusal for a run that is no longer active */
const UNKNOWN_RUN_ERROR = 'unknown-run'
/** Finished events within this window share one refresh of the list. */
const REFRESH_DELAY_MS = 250

export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running']

export function isActive(status: RunStatus): boolean {
  return ACTIVE_STATUSES.includes(status)
}

export const useRunsStore = defineStore('runs', () => {
  const connection = useConnectionStore()
  const toasts = useToastStore()

  const projectDir = ref<string | null>(null)
  /** every run of the project, newest first */
  const runs = shallowRef<RunSummary[]>([])
  /** runId -> latest progress event of an active run */
  const progress = shallowRef(new Map<string, RunProgress>())
  /** runId -> when this window first saw the run active (ms since epoch), for elapsed time */
  const seenActiveAt = new Map<string, number>()
  /** experimentId -> why the last start was refused, shown beside that experiment's runs */
  const startErrors = ref<Record<string, string>>({})
  const listError = ref('')
  /** up to two runs picked for Compare, oldest pick first */
  const selection = ref<string[]>([])
  const loading = ref(false)

  let unsubscribers: (() => void)[] = []
  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  let listRequest = 0

  const activeRuns = computed(() => runs.value.filter((run) => isActive(run.status)))
  const runningRuns = computed(() => runs.value.filter((run) => run.status === 'running'))
  const queuedRuns = computed(() => runs.value.filter((run) => run.status === 'queued'))

  function runsOf(experimentId: string): RunSummary[] {
    return runs.value.filter((run) => run.experimentId === experimentId)
  }

  function find(runId: string): RunSummary | undefined {
    return runs.value.find((run) => run.runId === runId)
  }

  /** Seconds since this window saw the run start (0 for runs it never saw active). */
  function elapsedSeconds(runId: string, now = Date.now()): number {
    const since = seenActiveAt.get(runId)
    return since === undefined ? 0 : (now - since) / 1000
  }

  function isLong(runId: string, now = Date.now()): boolean {
    return elapsedSeconds(runId, now) >= LONG_RUN_SECONDS
  }

  /** Subscribes to the run events (once). */
  function listen(): void {
    if (unsubscribers.length > 0) return
    const client = connection.requireClient()
    unsubscribers = [
      client.run.on('progress', onProgress),
      client.run.on('finished', onFinished),
    ]
  }

  function stopListening(): void {
    for (const unsubscribe of unsubscribers) unsubscribe()
    unsubscribers = []
  }

  /** Shows the runs of another project (null: none). */
  async function setProject(dir: string | null): Promise<void> {
    projectDir.value = dir
    runs.value = []
    selection.value = []
    startErrors.value = {}
    listError.value = ''
    if (dir) await refresh()
  }

  async function refresh(): Promise<void> {
    const dir = projectDir.value
    if (!dir) return
    const request = ++listRequest
    loading.value = true
    try {
      const listed = await connection.requireClient().run.list({ projectDir: dir })
      if (request !== listRequest || dir !== projectDir.value) return
      runs.value = sortNewestFirst(listed.map(withLiveStatus))
      listError.value = ''
    } catch (caught) {
      if (request === listRequest) listError.value = `The runs could not be listed: ${messageOf(caught)}`
    } finally {
      if (request === listRequest) loading.value = false
    }
  }

  /** The list as run.json says, except that a run this window sees progressing is running. */
  function withLiveStatus(run: RunSummary): RunSummary {
    const live = progress.value.get(run.runId)
    if (live && run.status === 'queued') return { ...run, status: 'running' }
    if (isActive(run.status) && !seenActiveAt.has(run.runId)) seenActiveAt.set(run.runId, Date.now())
    return run
  }

  /** Queues a run of a saved experiment; resolves with its id and folder, or null if refused. */
  async function start(experimentId: string): Promise<{ runId: string; runDir: string } | null> {
    const dir = projectDir.value
    if (!dir) throw new Error('Save the project first: runs are stored in its folder.')
    const { [experimentId]: _previous, ...otherErrors } = startErrors.value
    startErrors.value = otherErrors
    try {
      const started = await connection.requireClient().run.start({ projectDir: dir, experimentId })
      seenActiveAt.set(started.runId, Date.now())
      if (!find(started.runId)) {
        const queued: RunSummary = {
          runId: started.runId, experimentId, status: progress.value.has(started.runId) ? 'running' : 'queued',
          runDir: started.runDir, startedAt: new Date().toISOString(),
        }
        runs.value = [queued, ...runs.value]
      }
      return started
    } catch (caught) {
      startErrors.value = { ...startErrors.value, [experimentId]: messageOf(caught) }
      return null
    }
  }

  async function cancel(runId: string): Promise<void> {
    try {
      await connection.requireClient().run.cancel({ runId })
    } catch (caught) {
      // A run that ended while the request travelled: its 'finished' event says how.
      if (ServiceError.isServiceError(caught) && caught.code === UNKNOWN_RUN_ERROR) toasts.show('info', 'The run had already ended.')
      else toasts.show('error', `The run could not be cancelled: ${messageOf(caught)}`)
    }
  }

  function onProgress(event: RunProgress): void {
    if (!seenActiveAt.has(event.runId)) seenActiveAt.set(event.runId, Date.now())
    progress.value.set(event.runId, event)
    triggerRef(progress)
    const run = find(event.runId)
    if (run && run.status === 'queued') replace({ ...run, status: 'running' })
  }

  function onFinished(event: RunFinished): void {
    if (progress.value.delete(event.runId)) triggerRef(progress)
    const run = find(event.runId)
    const wallSeconds = elapsedSeconds(event.runId)
    seenActiveAt.delete(event.runId)
    if (run) replace({ ...run, status: event.status, message: event.message })
    else if (projectDir.value && isInside(event.runDir, projectDir.value)) {
      runs.value = [{ runId: event.runId, experimentId: event.experimentId, status: event.status, message: event.message, runDir: event.runDir }, ...runs.value]
    }
    toasts.show(TOAST_KIND[event.status], describeFinished(event, wallSeconds))
    scheduleRefresh()
  }

  function replace(next: RunSummary): void {
    runs.value = runs.value.map((run) => (run.runId === next.runId ? next : run))
  }

  function scheduleRefresh(): void {
    if (refreshTimer !== undefined) return
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined
      void refresh()
    }, REFRESH_DELAY_MS)
  }

  /** Picks a run for Compare (at most two: a third pick drops the oldest); picking again unpicks. */
  function toggleSelected(runId: string): void {
    selection.value = selection.value.includes(runId)
      ? selection.value.filter((id) => id !== runId)
      : [...selection.value, runId].slice(-2)
  }

  const comparePair = computed<[RunSummary, RunSummary] | null>(() => {
    if (selection.value.length !== 2) return null
    const [a, b] = selection.value.map(find)
    return a && b ? [a, b] : null
  })

  return {
    projectDir, runs, progress, startErrors, listError, selection, loading,
    activeRuns, runningRuns, queuedRuns, comparePair,
    runsOf, find, elapsedSeconds, isLong, listen, stopListening, setProject, refresh, start, cancel, toggleSelected,
    onProgress, onFinished,
  }
})

const TOAST_KIND = { done: 'success', cancelled: 'info', diverged: 'warning', failed: 'error', queued: 'info', running: 'info' } as const

function describeFinished(event: RunFinished, wallSeconds: number): string {
  const after = wallSeconds > 0 ? ` after ${formatSeconds(wallSeconds)}` : ''
  const why = event.message ? `: ${event.message}` : ''
  return `Run of ${event.experimentId} ${event.status}${after}${why}`
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
}

function sortNewestFirst(runs: RunSummary[]): RunSummary[] {
  const key = (run: RunSummary) => runCreatedAt(run.runId)?.getTime() ?? (run.startedAt ? Date.parse(run.startedAt) : 0)
  return [...runs].sort((a, b) => key(b) - key(a) || b.runId.localeCompare(a.runId))
}

/** When a run was created, from its id ("<experiment>-YYYYMMDD-HHMMSS-<suffix>", UTC). */
export function runCreatedAt(runId: string): Date | undefined {
  const match = /-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-[0-9a-z]+$/i.exec(runId)
  if (!match) return undefined
  const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number)
  return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds))
}

function isInside(path: string, dir: string): boolean {
  const normalise = (value: string) => value.replace(/\\/g, '/').replace(/\/+$/, '')
  return normalise(path).startsWith(normalise(dir) + '/')
}
