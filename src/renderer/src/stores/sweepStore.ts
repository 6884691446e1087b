/**
 * The sweeps of the open project as the sweep service sees them (issue 4): their summaries
 * (sweep.list reads the saved project.json and the run.json files), start / pause / cancel, the
 * live activity and progress of active sweeps, and the results tables, kept up to date point by
 * point from the service's 'point' events.
 *
 * A sweep may have a thousand points and a point event may come every few milliseconds: tables
 * live in a shallowRef'd Map and an event replaces one row of one table (a new rows array, the
 * row objects themselves never made reactive), so nothing deep is tracked.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef, triggerRef } from 'vue'
import { ServiceError } from '../../../shared/api/serviceContract'
import {
  INVALID_SWEEP_ERROR, SWEEP_BUSY_ERROR,
  type InvalidSweepDetails, type ProjectProblem, type SweepActivity, type SweepDecayQuery, type SweepEvents,
  type SweepProgress, type SweepSummary, type SweepTable,
} from '../../../shared/api/workbenchApi'
import { useConnectionStore } from './connectionStore'
import { useToastStore } from './toastStore'
import { messageOf } from './workspaceStore'

/** Why a start was refused: the service's words and, for an invalid sweep, its problems. */
export interface SweepStartError {
  message: string
  code?: string
  problems: ProjectProblem[]
}

/** What this window knows of an active (or just finished) sweep from the progress events. */
export interface SweepLiveState {
  activity: SweepActivity
  progress: SweepProgress
}

/**
 * The parallel runs a sweep gets unless the user says otherwise (issue 4): one for a GPU backend
 * (tfjs-node-gpu holds the device), else all cores but one (the window and the main process
 * keep one). `backend` is the base experiment's, with "auto" resolved to the machine's choice.
 */
export function defaultSweepWorkers(cores: number, backend: string | undefined): number {
  if (backend === 'tfjs-node-gpu') return 1
  return Math.max(1, Math.floor(cores) - 1)
}

/** The progress a summary's counts imply (no timing: elapsed 0, ETA unknown). */
export function progressOfSummary(summary: SweepSummary): SweepProgress {
  const { counts } = summary
  return {
    total: summary.total,
    finished: counts.done + counts.diverged + counts.failed,
    done: counts.done,
    diverged: counts.diverged,
    failed: counts.failed,
    running: counts.running,
    pending: counts.pending,
    elapsedSeconds: 0,
    etaSeconds: Number.NaN,
  }
}

export const useSweepStore = defineStore('sweeps', () => {
  const connection = useConnectionStore()
  const toasts = useToastStore()

  const projectDir = ref<string | null>(null)
  /** sweep.list of the saved project */
  const summaries = shallowRef<SweepSummary[]>([])
  const listError = ref('')
  /** sweepId -> activity and progress from the latest 'progress' event */
  const live = shallowRef(new Map<string, SweepLiveState>())
  /** sweepId -> its results table (rows replaced as 'point' events arrive) */
  const tables = shallowRef(new Map<string, SweepTable>())
  /** sweepId -> why its table could not be read */
  const tableErrors = ref<Record<string, string>>({})
  /** sweepId -> a table request is under way */
  const tableLoading = ref<Record<string, boolean>>({})
  /** sweepId -> the decay query its table answers (the user's choice; the service's default until then) */
  const decayQueries = ref<Record<string, SweepDecayQuery>>({})
  /** sweepId -> why the last start was refused */
  const startErrors = ref<Record<string, SweepStartError>>({})
  /** sweepId -> the parallel runs the user chose (absent: defaultSweepWorkers) */
  const workerChoice = ref<Record<string, number>>({})
  /** sweepId -> point index -> fraction of its training done (running points only) */
  const pointProgress = shallowRef(new Map<string, Map<number, number>>())
  /** sweepId -> the request under way from this window */
  const pending = ref<Record<string, 'start' | 'pause' | 'cancel'>>({})

  let unsubscribers: (() => void)[] = []
  let listRequest = 0
  const tableRequests = new Map<string, number>()
  const refreshTimers = new Map<string, ReturnType<typeof setTimeout>>()

  function summaryOf(sweepId: string): SweepSummary | undefined {
    return summaries.value.find((summary) => summary.sweepId === sweepId)
  }

  function activityOf(sweepId: string): SweepActivity {
    return live.value.get(sweepId)?.activity ?? summaryOf(sweepId)?.activity ?? 'idle'
  }

  function isActive(sweepId: string): boolean {
    return activityOf(sweepId) !== 'idle'
  }

  /** The freshest progress known: the live events', else the summary's counts. */
  function progressOf(sweepId: string): SweepProgress | undefined {
    const state = live.value.get(sweepId)
    if (state) return state.progress
    const summary = summaryOf(sweepId)
    if (!summary) return undefined
    return summary.progress ?? progressOfSummary(summary)
  }

  function tableOf(sweepId: string): SweepTable | undefined {
    return tables.value.get(sweepId)
  }

  function listen(): void {
    if (unsubscribers.length > 0) return
    const client = connection.requireClient()
    unsubscribers = [client.sweep.on('progress', onProgress), client.sweep.on('point', onPoint), client.sweep.on('pointProgress', onPointProgress)]
  }

  function stopListening(): void {
    for (const unsubscribe of unsubscribers) unsubscribe()
    unsubscribers = []
  }

  /** Shows the sweeps of another project (null: none). */
  async function setProject(dir: string | null): Promise<void> {
    if (dir === projectDir.value) {
      await refresh()
      return
    }
    projectDir.value = dir
    summaries.value = []
    live.value = new Map()
    tables.value = new Map()
    tableErrors.value = {}
    tableLoading.value = {}
    decayQueries.value = {}
    startErrors.value = {}
    pending.value = {}
    listError.value = ''
    for (const timer of refreshTimers.values()) clearTimeout(timer)
    refreshTimers.clear()
    if (dir) await refresh()
  }

  /** Re-reads the summaries (after a save: the service reads the saved project.json). */
  async function refresh(): Promise<void> {
    const dir = projectDir.value
    if (!dir) return
    const request = ++listRequest
    try {
      const listed = await connection.requireClient().sweep.list({ projectDir: dir })
      if (request !== listRequest || dir !== projectDir.value) return
      summaries.value = listed
      listError.value = ''
    } catch (caught) {
      if (request === listRequest) listError.value = `The sweeps could not be listed: ${messageOf(caught)}`
    }
  }

  /** Reads a sweep's results table; `decay` replaces the query it answers (kept for later reads). */
  async function loadTable(sweepId: string, decay?: SweepDecayQuery): Promise<SweepTable | undefined> {
    const dir = projectDir.value
    if (!dir) return undefined
    if (decay) decayQueries.value = { ...decayQueries.value, [sweepId]: decay }
    const query = decay ?? decayQueries.value[sweepId]
    const request = (tableRequests.get(sweepId) ?? 0) + 1
    tableRequests.set(sweepId, request)
    tableLoading.value = { ...tableLoading.value, [sweepId]: true }
    try {
      const table = await connection.requireClient().sweep.table({ projectDir: dir, sweepId, ...(query ? { decay: query } : {}) })
      if (tableRequests.get(sweepId) !== request || dir !== projectDir.value) return undefined
      tables.value.set(sweepId, table)
      triggerRef(tables)
      const { [sweepId]: _gone, ...rest } = tableErrors.value
      tableErrors.value = rest
      return table
    } catch (caught) {
      if (tableRequests.get(sweepId) === request) tableErrors.value = { ...tableErrors.value, [sweepId]: `The results table could not be read: ${messageOf(caught)}` }
      return undefined
    } finally {
      if (tableRequests.get(sweepId) === request) tableLoading.value = { ...tableLoading.value, [sweepId]: false }
    }
  }

  async function act(sweepId: string, action: 'start' | 'pause' | 'cancel', call: () => Promise<void>): Promise<boolean> {
    pending.value = { ...pending.value, [sweepId]: action }
    try {
      await call()
      return true
    } finally {
      const { [sweepId]: _done, ...rest } = pending.value
      pending.value = rest
    }
  }

  /**
   * Starts or resumes a saved sweep with `workers` parallel runs (the service's default when
   * undefined). Resolves false when refused; startErrors says why.
   */
  async function start(sweepId: string, workers?: number): Promise<boolean> {
    const dir = projectDir.value
    if (!dir) throw new Error('Save the project first: sweeps run from its folder.')
    const { [sweepId]: _previous, ...otherErrors } = startErrors.value
    startErrors.value = otherErrors
    try {
      await act(sweepId, 'start', () => connection.requireClient().sweep.start({ projectDir: dir, sweepId, ...(workers !== undefined ? { workers } : {}) }))
    } catch (caught) {
      const problems = ServiceError.isServiceError(caught) && caught.code === INVALID_SWEEP_ERROR
        ? ((caught.details as InvalidSweepDetails | undefined)?.problems ?? [])
        : []
      const code = ServiceError.isServiceError(caught) ? caught.code : undefined
      const message = code === SWEEP_BUSY_ERROR ? `${messageOf(caught)} (it is running here or in another process; pause or cancel it there first)` : messageOf(caught)
      startErrors.value = { ...startErrors.value, [sweepId]: { message, code, problems } }
      return false
    }
    if (!live.value.has(sweepId)) {
      const summary = summaryOf(sweepId)
      if (summary) setLive(sweepId, { activity: 'running', progress: progressOfSummary(summary) })
    }
    void loadTable(sweepId)
    return true
  }

  /** Pause or cancel through the service; a refusal becomes a toast that says which. */
  async function stop(sweepId: string, how: 'pause' | 'cancel'): Promise<void> {
    const dir = projectDir.value
    if (!dir) return
    try {
      await act(sweepId, how, () => connection.requireClient().sweep[how]({ projectDir: dir, sweepId }))
    } catch (caught) {
      toasts.show('error', `The sweep "${sweepId}" could not be ${how === 'pause' ? 'paused' : 'cancelled'}: ${messageOf(caught)}`)
    }
  }

  const pause = (sweepId: string) => stop(sweepId, 'pause')
  const cancel = (sweepId: string) => stop(sweepId, 'cancel')

  function setLive(sweepId: string, state: SweepLiveState): void {
    live.value.set(sweepId, state)
    triggerRef(live)
  }

  function onProgress(event: SweepEvents['progress']): void {
    if (event.projectDir !== projectDir.value) return
    const before = live.value.get(event.sweepId)?.activity ?? summaryOf(event.sweepId)?.activity ?? 'idle'
    setLive(event.sweepId, { activity: event.activity, progress: event.progress })
    const { progress } = event
    summaries.value = summaries.value.map((summary) => (summary.sweepId === event.sweepId
      ? {
        ...summary, activity: event.activity, total: progress.total,
        counts: { pending: progress.pending, running: progress.running, done: progress.done, diverged: progress.diverged, failed: progress.failed },
      }
      : summary))
    if (before !== 'idle' && event.activity === 'idle') {
      announceStop(event.sweepId, progress)
      scheduleRefresh(event.sweepId)
    }
  }

  function onPointProgress(event: SweepEvents['pointProgress']): void {
    if (event.projectDir !== projectDir.value || !(event.totalSteps > 0)) return
    const points = pointProgress.value.get(event.sweepId) ?? new Map<number, number>()
    points.set(event.index, Math.min(1, event.step / event.totalSteps))
    pointProgress.value.set(event.sweepId, points)
    triggerRef(pointProgress)
  }

  /** Fraction of a running point's training done; undefined when unknown or not running. */
  function pointProgressOf(sweepId: string, index: number): number | undefined {
    return pointProgress.value.get(sweepId)?.get(index)
  }

  function onPoint(event: SweepEvents['point']): void {
    if (event.projectDir !== projectDir.value) return
    if (event.row.status !== 'running' && pointProgress.value.get(event.sweepId)?.delete(event.row.index)) triggerRef(pointProgress)
    const table = tables.value.get(event.sweepId)
    if (!table) return
    const at = table.rows.findIndex((row) => row.index === event.row.index)
    const rows = [...table.rows]
    if (at >= 0) rows[at] = event.row
    else rows.push(event.row)
    tables.value.set(event.sweepId, { ...table, rows })
    triggerRef(tables)
  }

  function announceStop(sweepId: string, progress: SweepProgress): void {
    const failed = progress.failed + progress.diverged
    const tail = failed > 0 ? ` (${progress.diverged} diverged, ${progress.failed} failed)` : ''
    if (progress.finished >= progress.total) {
      toasts.show(failed > 0 ? 'warning' : 'success', `Sweep ${sweepId} finished: ${progress.done} of ${progress.total} points done${tail}`)
    } else {
      toasts.show('info', `Sweep ${sweepId} stopped with ${progress.finished} of ${progress.total} points finished${tail}; Resume runs the rest.`)
    }
  }

  /** After a sweep stops: one re-read of the list and its table (the files are the truth). */
  function scheduleRefresh(sweepId: string): void {
    if (refreshTimers.has(sweepId)) return
    refreshTimers.set(sweepId, setTimeout(() => {
      refreshTimers.delete(sweepId)
      void refresh()
      if (tables.value.has(sweepId)) void loadTable(sweepId)
    }, 250))
  }

  return {
    projectDir, summaries, listError, live, tables, tableErrors, tableLoading, decayQueries, startErrors, pending, workerChoice,
    pointProgress, summaryOf, activityOf, isActive, progressOf, tableOf, pointProgressOf,
    listen, stopListening, setProject, refresh, loadTable, start, pause, cancel, onProgress, onPoint, onPointProgress,
  }
})
