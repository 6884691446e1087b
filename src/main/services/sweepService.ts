/**
 * The sweep service (SWEEP_SERVICE, issue 4): lists a project's sweeps, runs them in the
 * background on this machine (sweepRunner.ts, crash-safe and resumable), pauses and cancels them,
 * and reads their results tables from the run.json files (sweepTable.ts). One implementation for
 * the Electron app, browser mode and tests; every path goes through the path policy.
 *
 * Events: `progress` at every change of a sweep's activity (sent at once) or counts (at most one
 * per progressIntervalMs per sweep; the latest state is always sent, the final one at once);
 * `point` when a point starts or finishes, its row computed with the sweep's last table query.
 */
import type { ServiceEventSink } from '../../shared/api/serviceContract'
import { ServiceError } from '../../shared/api/serviceContract'
import {
  INVALID_DECAY_QUERY_ERROR, INVALID_PROJECT_ERROR, INVALID_SWEEP_ERROR, SWEEP_BUSY_ERROR, UNKNOWN_SWEEP_ERROR,
  type SWEEP_SERVICE, type SweepActivity, type SweepDecayQuery, type SweepProgress, type SweepServiceImpl, type SweepSummary,
} from '../../shared/api/workbenchApi'
import { createSweepCatalogReader, findValidSweep, SweepDefinitionError, type CatalogSweep } from '../sweeps/sweepCatalog'
import { defaultSweepWorkers, runSweep, SweepLockedError } from '../sweeps/sweepRunner'
import {
  buildSweepTable, decayQueryProblems, defaultDecayQuery, readRunDigest, RunDigestCache,
  sweepTableRow, sweepTableView,
} from '../sweeps/sweepTable'
import { countStatuses, pointStatusOf } from '../sweeps/sweepState'
import type { PathPolicy } from './pathPolicy'

export interface SweepServiceOptions {
  paths: PathPolicy
  events: ServiceEventSink<typeof SWEEP_SERVICE>
  /** the run worker bundle (default: RunService's) */
  workerScript?: string
  /** least time between two progress events of one sweep (default 250 ms) */
  progressIntervalMs?: number
  /** digests of finished runs (default: a new cache of at most 100,000 runs) */
  cache?: RunDigestCache
}

interface ActiveSweep {
  projectDir: string
  sweepId: string
  activity: SweepActivity
  cancel: AbortController
  pause: AbortController
  /** settles when runSweep has returned and the final progress was sent */
  done: Promise<void>
  params: Map<number, { index: number; id: string; params: Record<string, unknown> }>
  progress?: SweepProgress
  lastSent: number
  timer?: ReturnType<typeof setTimeout>
}

const keyOf = (projectDir: string, sweepId: string) => `${projectDir}\u0000${sweepId}`

/** A listener that throws must not stop the sweep (the emitter rethrows after all listeners ran). */
function emitSafely(emit: () => void): void {
  try {
    emit()
  } catch (error) {
    console.error('[sweep] an event listener failed:', error)
  }
}

/** A refusal the caller can read, from what the sweep modules throw. */
function toServiceError(error: unknown): unknown {
  if (error instanceof SweepDefinitionError) {
    const code = error.kind === 'unknown-sweep' ? UNKNOWN_SWEEP_ERROR : error.kind === 'invalid-project' ? INVALID_PROJECT_ERROR : INVALID_SWEEP_ERROR
    return new ServiceError(code, error.message, error.kind === 'unknown-sweep' ? undefined : { problems: error.problems })
  }
  if (error instanceof SweepLockedError) return new ServiceError(SWEEP_BUSY_ERROR, error.message)
  return error
}

export function createSweepService(options: SweepServiceOptions): SweepServiceImpl & { dispose(): Promise<void> } {
  const { paths, events } = options
  const interval = options.progressIntervalMs ?? 250
  const cache = options.cache ?? new RunDigestCache()
  const active = new Map<string, ActiveSweep>()
  /** the last decay query asked of each sweep (projectDir + id): point events use it */
  const lastQuery = new Map<string, SweepDecayQuery>()
  const readCatalog = createSweepCatalogReader()

  const catalogOf = async (projectDir: string): Promise<CatalogSweep[]> => {
    try {
      return await readCatalog(projectDir)
    } catch (error) {
      throw toServiceError(error)
    }
  }
  const validSweep = async (projectDir: string, sweepId: string) => {
    try {
      return findValidSweep(await catalogOf(projectDir), sweepId, projectDir)
    } catch (error) {
      throw toServiceError(error)
    }
  }

  const sendProgress = (sweep: ActiveSweep) => {
    if (sweep.timer) clearTimeout(sweep.timer)
    sweep.timer = undefined
    if (!sweep.progress) return
    sweep.lastSent = performance.now()
    emitSafely(() => events.emit('progress', { projectDir: sweep.projectDir, sweepId: sweep.sweepId, activity: sweep.activity, progress: { ...sweep.progress! } }))
  }
  /** now when `urgent` (an activity change, the end) or the interval has passed; else once it has */
  const progressChanged = (sweep: ActiveSweep, urgent = false) => {
    const wait = sweep.lastSent + interval - performance.now()
    if (urgent || wait <= 0) return sendProgress(sweep)
    sweep.timer ??= setTimeout(() => sendProgress(sweep), wait)
  }
  const setActivity = (sweep: ActiveSweep, activity: SweepActivity) => {
    if (sweep.activity === activity) return
    sweep.activity = activity
    progressChanged(sweep, true)
  }

  const emitPoint = (sweep: ActiveSweep, row: ReturnType<typeof sweepTableRow>) => {
    emitSafely(() => events.emit('point', { projectDir: sweep.projectDir, sweepId: sweep.sweepId, row }))
  }

  return {
    async list({ projectDir: path }) {
      const projectDir = paths.resolve(path, 'the project folder')
      const catalog = await catalogOf(projectDir)
      const summaries: SweepSummary[] = []
      for (const entry of catalog) {
        const running = active.get(keyOf(projectDir, entry.id))
        const summary: SweepSummary = {
          sweepId: entry.id, base: entry.base, mode: entry.mode, total: 0,
          counts: { pending: 0, running: 0, done: 0, diverged: 0, failed: 0 },
          activity: running?.activity ?? 'idle',
        }
        if (running?.progress) summary.progress = { ...running.progress }
        if (entry.spec && entry.baseExperiment && entry.points) {
          const query = lastQuery.get(keyOf(projectDir, entry.id))
          const table = await buildSweepTable(projectDir, entry as Parameters<typeof buildSweepTable>[1], query, cache)
          summary.total = table.rows.length
          summary.counts = countStatuses(table.rows)
        } else {
          summary.problems = entry.problems
        }
        summaries.push(summary)
      }
      return summaries
    },

    async start({ projectDir: path, sweepId, workers, backend }) {
      const projectDir = paths.resolve(path, 'the project folder')
      const key = keyOf(projectDir, sweepId)
      if (active.has(key)) throw new ServiceError(SWEEP_BUSY_ERROR, `sweep "${sweepId}" is already ${active.get(key)!.activity} here; pause or cancel it first`)
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
        throw new ServiceError('invalid-argument', `workers: expected a positive integer (got ${workers})`)
      }
      let resolveDone!: () => void
      const sweep: ActiveSweep = {
        projectDir, sweepId, activity: 'running', cancel: new AbortController(), pause: new AbortController(),
        done: new Promise<void>((resolve) => (resolveDone = resolve)), params: new Map(), lastSent: Number.NEGATIVE_INFINITY,
      }
      active.set(key, sweep) // before any await: a second start is refused at once
      try {
        const found = await validSweep(projectDir, sweepId)
        for (const point of found.points) sweep.params.set(point.index, point)
        const count = workers ?? defaultSweepWorkers(backend ?? found.points[0]?.experiment.training.backend)
        const view = () => sweepTableView(found.baseExperiment, lastQuery.get(key))
        let started!: () => void
        const running = new Promise<void>((resolve) => (started = resolve))
        const finished = runSweep({
          projectDir, sweepId, workers: count, backend, workerScript: options.workerScript,
          signal: sweep.cancel.signal, pauseSignal: sweep.pause.signal,
          onProgress: (progress) => {
            sweep.progress = progress
            started()
            progressChanged(sweep)
          },
          onPointProgress: ({ index, progress }) => {
            if (progress.phase !== 'training') return
            emitSafely(() => events.emit('pointProgress', {
              projectDir, sweepId, index, step: progress.step, totalSteps: progress.totalSteps, etaSeconds: progress.etaSeconds,
            }))
          },
          onPointStart: (event) => {
            emitPoint(sweep, sweepTableRow({ index: event.index, id: event.pointId, params: event.params }, { runId: event.runId, runDir: event.runDir, status: 'running' }, 'running'))
          },
          onPoint: (event) => {
            if (event.reused) return
            const point = sweep.params.get(event.index) ?? { index: event.index, id: event.pointId, params: event.params }
            if (event.cancelled) return emitPoint(sweep, sweepTableRow(point, undefined, 'pending'))
            if (!event.runId || !event.runDir) {
              // the run could not be started (e.g. its folder could not be created): failed, with the reason
              return emitPoint(sweep, { ...sweepTableRow(point, undefined, event.status), ...(event.message ? { message: event.message } : {}) })
            }
            void readRunDigest(event.runId, event.runDir, sweepId, view(), cache)
              .then((digest) => emitPoint(sweep, sweepTableRow(point, digest, digest ? pointStatusOf(digest.status) : event.status)))
              .catch((error: unknown) => console.error(`[sweep] reading the run of point ${event.pointId} failed:`, error))
          },
        })
        // resolves once the runner holds the lock and has reconciled the state; rejects if it cannot start
        await Promise.race([running, finished.then(() => undefined)])
        void finished
          .catch((error: unknown) => console.error(`[sweep] sweep "${sweepId}" stopped with an error:`, error))
          .finally(() => {
            active.delete(key)
            sweep.activity = 'idle'
            sendProgress(sweep)
            resolveDone()
          })
      } catch (error) {
        active.delete(key)
        resolveDone()
        throw toServiceError(error)
      }
    },

    async pause({ projectDir: path, sweepId }) {
      const sweep = active.get(keyOf(paths.resolve(path, 'the project folder'), sweepId))
      if (!sweep || sweep.activity !== 'running') return
      sweep.pause.abort()
      setActivity(sweep, 'pausing')
    },

    async cancel({ projectDir: path, sweepId }) {
      const sweep = active.get(keyOf(paths.resolve(path, 'the project folder'), sweepId))
      if (!sweep) return
      if (sweep.activity !== 'cancelling') {
        sweep.cancel.abort()
        setActivity(sweep, 'cancelling')
      }
      await sweep.done
    },

    async table({ projectDir: path, sweepId, decay }) {
      const projectDir = paths.resolve(path, 'the project folder')
      if (decay !== undefined) {
        const problems = decayQueryProblems(decay)
        if (problems.length > 0) throw new ServiceError(INVALID_DECAY_QUERY_ERROR, problems.join('; '))
      }
      const found = await validSweep(projectDir, sweepId)
      const table = await buildSweepTable(projectDir, found, decay ?? defaultDecayQuery(found.baseExperiment), cache)
      lastQuery.set(keyOf(projectDir, sweepId), table.decay)
      return table
    },

    async dispose() {
      const stopping = [...active.values()].map((sweep) => {
        sweep.cancel.abort()
        sweep.activity = 'cancelling'
        return sweep.done
      })
      await Promise.all(stopping)
    },
  }
}
