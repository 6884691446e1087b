/**
 * Runs (or resumes) a sweep on this machine (issue 4, "Execution on one machine"): the points
 * that are not finished go through a RunService with N workers, each as an ordinary run folder
 * whose run.json names its sweep point; the persistent state (sweepState.ts) is written
 * atomically at every change. Resuming after a crash recomputes no finished point, and reruns in a
 * fresh folder any point whose run.json still said queued or running. A failing or diverging
 * point is recorded and the others go on.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises'
import { availableParallelism, hostname } from 'node:os'
import { join } from 'node:path'
import type { BackendChoice } from '../../shared/project/experimentTypes'
import type { RunProgress, SweepPointStatus, SweepProgress } from '../../shared/api/workbenchApi'
import type { RunRecord } from '../../shared/study/runRecord'
import type { SweepPoint } from '../../shared/sweep/sweepTypes'
import { writeRunRecord } from '../project/runStore'
import { RunService } from '../services/runService'
import { loadSweep } from './sweepDefinition'
import {
  countStatuses, describeRun, isFinished, listSweepRuns, readSweepState, reconcileSweepState, sweepDir, writeSweepState,
  type SweepPointState, type SweepState,
} from './sweepState'

export const SWEEP_LOCK_FILE_NAME = 'run.lock'

/** The sweep's lock is held by a live process (or by another host). */
export class SweepLockedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SweepLockedError'
  }
}

/** One line per point: reused points were finished before this session and were not recomputed. */
export interface SweepPointEvent extends SweepPointState {
  params: Record<string, unknown>
  reused: boolean
  /** true when the run was stopped because the sweep was cancelled (the point stays pending) */
  cancelled: boolean
  progress: SweepProgress
}

export interface SweepRunOptions {
  projectDir: string
  sweepId: string
  /** parallel runs; default defaultSweepWorkers(backend) */
  workers?: number
  /** overrides the experiments' backend */
  backend?: BackendChoice
  /** js-f64 engine threads of each run; default sweepRunThreads(workers) */
  threads?: number
  /** the run worker bundle, for RunService */
  workerScript?: string
  /** cancel: aborting stops the runs under way (their points stay pending) and starts no more */
  signal?: AbortSignal
  /** pause: aborting starts no more points; the runs under way finish, then runSweep resolves */
  pauseSignal?: AbortSignal
  /** a point's run was started (its run folder exists) */
  onPointStart?(event: { index: number; pointId: string; params: Record<string, unknown>; runId: string; runDir: string; progress: SweepProgress }): void
  /** a running point's training progress (the run's own progress events) */
  onPointProgress?(event: { index: number; progress: RunProgress }): void
  /** a point finished or was cancelled, or (reused) was found finished at the start */
  onPoint?(event: SweepPointEvent): void
  onProgress?(progress: SweepProgress): void
}

export interface SweepRunResult {
  state: SweepState
  /** cancelled (signal) with points left unfinished */
  cancelled: boolean
  /** paused (pauseSignal) with points left unfinished */
  paused: boolean
}

/** cores - 1 (at least 1) for CPU engines; 1 for a GPU backend, which runs one model at a time. */
export function defaultSweepWorkers(backend: BackendChoice | undefined): number {
  if (backend === 'tfjs-node-gpu') return 1
  return Math.max(1, availableParallelism() - 1)
}

/** Engine threads of each run of a sweep with `workers` parallel runs: max(1, floor(cores / workers)). */
export function sweepRunThreads(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / workers))
}

/** Runs the unfinished points of a sweep; resolves when every point is finished or the sweep was cancelled. */
export async function runSweep(options: SweepRunOptions): Promise<SweepRunResult> {
  const { projectDir, sweepId } = options
  const { sweep, points } = await loadSweep(projectDir, sweepId)
  const workers = options.workers ?? defaultSweepWorkers(options.backend ?? points[0]?.experiment.training.backend)
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers: expected a positive integer (got ${workers})`)
  const releaseLock = await acquireSweepLock(projectDir, sweep.id)
  // Each run's js-f64 engine gets an equal share of the cores, so that the workers never oversubscribe them.
  const threads = options.threads ?? sweepRunThreads(workers)
  const pointOfRun = new Map<string, number>()
  const service = new RunService({
    concurrency: workers, threads, workerScript: options.workerScript,
    events: {
      progress: (progress) => {
        const index = pointOfRun.get(progress.runId)
        if (index !== undefined) options.onPointProgress?.({ index, progress })
      },
      finished: () => undefined,
    },
  })
  try {
    const previous = await readSweepState(projectDir, sweep.id).catch(() => undefined)
    const { state, unfinished } = reconcileSweepState(sweep.id, points, await listSweepRuns(projectDir, sweep.id), previous)
    // We hold the lock, so runs still marked queued/running were left by a process that died:
    // mark them interrupted (they never count as finished) and run their points again.
    for (const stale of unfinished) {
      const record: RunRecord = { ...stale.record, status: 'cancelled', message: 'interrupted: the sweep process stopped before this run finished; the point was run again', finishedAt: new Date().toISOString() }
      await writeRunRecord(stale.runDir, record)
    }
    for (const point of state.points) {
      if (point.status === 'running') Object.assign(point, { status: 'pending', runId: undefined, runDir: undefined, message: undefined })
    }
    let saving = writeSweepState(projectDir, state)
    const save = () => (saving = saving.then(() => writeSweepState(projectDir, state)))

    const started = performance.now()
    let finishedThisSession = 0
    const progress = (): SweepProgress => {
      const counts = countStatuses(state.points)
      const finished = counts.done + counts.diverged + counts.failed
      const elapsedSeconds = (performance.now() - started) / 1000
      const remaining = state.points.length - finished
      return {
        total: state.points.length, finished, done: counts.done, diverged: counts.diverged, failed: counts.failed,
        running: counts.running, pending: counts.pending, elapsedSeconds,
        etaSeconds: remaining === 0 ? 0 : finishedThisSession > 0 ? (remaining * elapsedSeconds) / finishedThisSession : Number.NaN,
      }
    }
    const emit = (point: SweepPoint, reused: boolean, cancelled = false) => {
      options.onPoint?.({ ...state.points[point.index], params: point.params, reused, cancelled, progress: progress() })
    }
    for (const point of points) if (isFinished(state.points[point.index].status)) emit(point, true)
    options.onProgress?.(progress())

    const queue = points.filter((p) => !isFinished(state.points[p.index].status))
    const active = new Set<string>()
    const signal = options.signal
    const onAbort = () => {
      for (const runId of active) void service.cancel({ runId }).catch(() => undefined)
    }
    signal?.addEventListener('abort', onAbort)

    const runPoint = async (point: SweepPoint): Promise<void> => {
      const entry = state.points[point.index]
      let runId: string
      let runDir: string
      try {
        const extra = { sweep: { id: sweep.id, pointId: point.id, index: point.index, params: point.params } }
        ;({ runId, runDir } = await service.startExperiment({ projectDir, experiment: point.experiment, backend: options.backend, extra }))
      } catch (error) {
        Object.assign(entry, { status: 'failed' satisfies SweepPointStatus, message: `could not start: ${(error as Error).message}` })
        finishedThisSession++
        await save()
        emit(point, false)
        return
      }
      active.add(runId)
      pointOfRun.set(runId, point.index)
      const startedRun = service.waitFor(runId)
      Object.assign(entry, { status: 'running' satisfies SweepPointStatus, runId, runDir, message: undefined })
      if (signal?.aborted) void service.cancel({ runId }).catch(() => undefined)
      await save()
      options.onPointStart?.({ index: point.index, pointId: point.id, params: point.params, runId, runDir, progress: progress() })
      options.onProgress?.(progress())
      const record = await startedRun
      active.delete(runId)
      pointOfRun.delete(runId)
      const described = describeRun({ runId, runDir, record })
      Object.assign(entry, { wallSeconds: undefined, finalErrorNorm: undefined }, described)
      const cancelled = record.status === 'cancelled'
      if (!cancelled) finishedThisSession++
      await save()
      emit(point, false, cancelled)
      options.onProgress?.(progress())
    }

    const worker = async (): Promise<void> => {
      const stopped = () => signal?.aborted === true || options.pauseSignal?.aborted === true
      for (let point = stopped() ? undefined : queue.shift(); point; point = stopped() ? undefined : queue.shift()) await runPoint(point)
    }
    try {
      await Promise.all(Array.from({ length: Math.min(workers, Math.max(1, queue.length)) }, worker))
    } finally {
      signal?.removeEventListener('abort', onAbort)
      await saving
    }
    const left = state.points.some((p) => !isFinished(p.status))
    const cancelled = signal?.aborted === true && left
    return { state, cancelled, paused: !cancelled && options.pauseSignal?.aborted === true && left }
  } finally {
    await service.dispose()
    await releaseLock()
  }
}

/**
 * Runs one point of a sweep (a Slurm array task): its own run folder, and nothing else written, so
 * that many tasks may run at once on a shared file system (state.json is left to \`sweep run\`,
 * which reconciles it with the run.json files). A point already finished is not run again.
 */
export async function runSweepPoint(options: { projectDir: string; sweepId: string; index: number; backend?: BackendChoice; workerScript?: string }): Promise<SweepPointEvent> {
  const { projectDir, sweepId, index } = options
  const { sweep, points } = await loadSweep(projectDir, sweepId)
  const point = points[index]
  if (!Number.isInteger(index) || !point) throw new Error(`sweep "${sweepId}" has ${points.length} points (indices 0 to ${points.length - 1}); there is no point ${index}`)
  const runs = await listSweepRuns(projectDir, sweep.id)
  const { state } = reconcileSweepState(sweep.id, [point], runs)
  const one = (entry: SweepPointState, reused: boolean): SweepPointEvent => {
    const finished = isFinished(entry.status) ? 1 : 0
    return {
      ...entry, index: point.index, params: point.params, reused, cancelled: !reused && !finished,
      progress: {
        total: 1, finished, done: entry.status === 'done' ? 1 : 0, diverged: entry.status === 'diverged' ? 1 : 0, failed: entry.status === 'failed' ? 1 : 0,
        running: 0, pending: 1 - finished, elapsedSeconds: 0, etaSeconds: 0,
      },
    }
  }
  if (isFinished(state.points[0].status)) return one(state.points[0], true)
  const service = new RunService({ concurrency: 1, workerScript: options.workerScript, events: { progress: () => undefined, finished: () => undefined } })
  try {
    const extra = { sweep: { id: sweep.id, pointId: point.id, index: point.index, params: point.params } }
    const { runId, runDir } = await service.startExperiment({ projectDir, experiment: point.experiment, backend: options.backend, extra })
    const record = await service.waitFor(runId)
    return one({ index: point.index, pointId: point.id, ...describeRun({ runId, runDir, record }) }, false)
  } finally {
    await service.dispose()
  }
}

/**
 * Takes <project>/sweeps/<id>/run.lock ({ pid, host }) so that two processes never run the same
 * sweep on this machine. A lock left by a dead process (a crash, SIGKILL) is taken over; a lock
 * held by a live process, or by another host (whose processes cannot be checked), is refused.
 */
export async function acquireSweepLock(projectDir: string, sweepId: string): Promise<() => Promise<void>> {
  const dir = sweepDir(projectDir, sweepId)
  await mkdir(dir, { recursive: true })
  const file = join(dir, SWEEP_LOCK_FILE_NAME)
  const mine = JSON.stringify({ pid: process.pid, host: hostname() })
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx')
      await handle.writeFile(mine)
      await handle.close()
      return () => unlink(file).catch(() => undefined)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    let holder: { pid?: number; host?: string } = {}
    try {
      holder = JSON.parse(await readFile(file, 'utf8'))
    } catch {
      // an empty or torn lock file: its writer died while writing it
    }
    if (holder.host !== undefined && holder.host !== hostname()) {
      throw new SweepLockedError(`sweep "${sweepId}" is being run on ${holder.host} (process ${holder.pid}); if it is not, delete ${file}`)
    }
    if (typeof holder.pid === 'number' && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new SweepLockedError(`sweep "${sweepId}" is already being run by process ${holder.pid} on this machine`)
    }
    await unlink(file).catch(() => undefined)
  }
  throw new Error(`could not take the lock ${file}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The status of every point of a sweep from the run.json files alone (arrays are not read; no
 * file is written): what `mscale sweep status` shows, including points run by Slurm array tasks.
 */
export async function readSweepStatus(projectDir: string, sweepId: string): Promise<{ state: SweepState; points: SweepPoint[] }> {
  const { sweep, points } = await loadSweep(projectDir, sweepId)
  const previous = await readSweepState(projectDir, sweep.id).catch(() => undefined)
  const { state } = reconcileSweepState(sweep.id, points, await listSweepRuns(projectDir, sweep.id), previous)
  return { state, points }
}
