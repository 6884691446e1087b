/**
 * The results table of a sweep (issue 4, Results): one row per point, read from the run.json files
 * alone (never the arrays), with rel at the base experiment's requested snapshot times and the
 * decay times of a query (SweepDecayQuery). What the sweep service's `table` returns and what
 * `mscale sweep table` prints.
 *
 * Many tables are asked for while a sweep runs (a UI refreshes its view at every finished point),
 * so each run is reduced once to a RunDigest, the few numbers of its row, and a RunDigestCache
 * keeps the digests of runs whose run.json can no longer change (a finished or cancelled run);
 * only the runs still under way and the new ones are read again. Only the digest is kept, never
 * the record, so the cache costs about a kilobyte per run.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  DECAY_THRESHOLDS, type SweepDecayQuery, type SweepPointStatus, type SweepTable, type SweepTableRow,
} from '../../shared/api/workbenchApi'
import type { Experiment, SpectralModelName } from '../../shared/project/experimentTypes'
import { decayTimeAt } from '../../shared/study/decayTimes'
import type { RunRecord } from '../../shared/study/runRecord'
import type { SweepPoint } from '../../shared/sweep/sweepTypes'
import type { RunStatus } from '../../shared/api/workbenchApi'
import { RUNS_FOLDER_NAME } from '../project/projectStore'
import { readRunRecord } from '../project/runStore'
import type { CatalogSweep } from './sweepCatalog'
import { choosePointRun, FINISHED_RUN_STATUSES, finalErrorNormOf, pointStatusOf, readSweepState } from './sweepState'

/** What a table shows of each run besides its status: fixed by the base experiment and the query. */
export interface SweepTableView {
  snapshotTimes: number[]
  models: SpectralModelName[]
  decay: SweepDecayQuery
}

/** A run reduced to its row's numbers (for runs of a sweep point; other runs keep ids and status only). */
export interface RunDigest {
  runId: string
  runDir: string
  status: RunStatus
  sweepId?: string
  pointId?: string
  message?: string
  wallSeconds?: number
  finalErrorNorm?: number
  finalRel?: Partial<Record<SpectralModelName, number>>
  /** viewKey(view) of the view rel and decayTimes were computed for */
  viewKey?: string
  rel?: Partial<Record<SpectralModelName, number[]>>
  decayTimes?: (number | null)[]
}

/** Statuses after which a run.json never changes again. */
const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>([...FINISHED_RUN_STATUSES, 'cancelled'])
/** How many run.json files are read at once. */
const READ_PARALLELISM = 16

/** The default decay query: three frequencies across the base's band (band/4, band/2, band), threshold 0.01. */
export function defaultDecayQuery(base: Experiment): SweepDecayQuery {
  const band = base.analysis.band
  return { frequencies: [band / 4, band / 2, band].map((xi) => Number(xi.toPrecision(6))), threshold: 0.01 }
}

/** What is wrong with a decay query, in words (empty when it is fine). */
export function decayQueryProblems(query: SweepDecayQuery): string[] {
  const problems: string[] = []
  if (!Array.isArray(query?.frequencies) || query.frequencies.length === 0) problems.push('decay.frequencies: expected a non-empty list of frequencies (cycles per unit length)')
  else if (!query.frequencies.every((xi) => typeof xi === 'number' && Number.isFinite(xi) && xi >= 0)) problems.push(`decay.frequencies: expected finite numbers >= 0 (got ${JSON.stringify(query.frequencies)})`)
  if (!(DECAY_THRESHOLDS as readonly number[]).includes(query?.threshold)) problems.push(`decay.threshold: expected one of ${DECAY_THRESHOLDS.join(', ')}, the thresholds run.json stores (got ${JSON.stringify(query?.threshold)})`)
  return problems
}

/**
 * The view of a table of this sweep: the base's requested snapshot times (but t = 0, where rel is
 * zero up to rounding by construction) and models, and the query.
 */
export function sweepTableView(base: Experiment, query: SweepDecayQuery = defaultDecayQuery(base)): SweepTableView {
  const snapshotTimes = [...new Set(base.training.snapshots)].filter((t) => t > 0).sort((a, b) => a - b)
  const models = base.network.activation === 'sin' ? [...base.analysis.models] : []
  return { snapshotTimes, models, decay: { frequencies: [...query.frequencies], threshold: query.threshold } }
}

export function viewKey(view: SweepTableView): string {
  return JSON.stringify([view.snapshotTimes, view.models, view.decay.frequencies, view.decay.threshold])
}

/** Reduces a run record to its digest for `view`. */
export function digestRun(runId: string, runDir: string, record: RunRecord, view: SweepTableView, key = viewKey(view)): RunDigest {
  const digest: RunDigest = { runId, runDir, status: record.status }
  if (record.sweep) {
    digest.sweepId = record.sweep.id
    digest.pointId = record.sweep.pointId
  }
  if (!record.sweep) return digest
  if (record.message !== undefined) digest.message = record.message
  if (!FINISHED_RUN_STATUSES.has(record.status)) return digest
  if (record.timings) digest.wallSeconds = record.timings.totalSeconds
  const snapshots = record.metrics?.snapshots ?? []
  const last = snapshots[snapshots.length - 1]
  if (last) {
    const finalErrorNorm = finalErrorNormOf(snapshots)
    if (finalErrorNorm !== undefined) digest.finalErrorNorm = finalErrorNorm
    digest.finalRel = { ...last.rel }
  }
  digest.viewKey = key
  const eta = record.learningRate?.value ?? Number.NaN
  const matched = view.snapshotTimes.map((t) => snapshotAt(snapshots, t, eta))
  digest.rel = {}
  for (const model of view.models) digest.rel[model] = matched.map((s) => s?.rel[model] ?? Number.NaN)
  const decay = record.metrics?.decay
  digest.decayTimes = view.decay.frequencies.map((xi) => {
    const time = decay ? decayTimeAt(decay, xi, view.decay.threshold) : undefined
    return time === undefined ? Number.NaN : time
  })
  return digest
}

/**
 * The snapshot at model time t: the nearest one, if within half a gradient-descent step (snapshot
 * steps are round(t / eta)); undefined where the run has none (it stopped earlier, or the point
 * changed the snapshots).
 */
function snapshotAt<S extends { t: number }>(snapshots: readonly S[], t: number, eta: number): S | undefined {
  let best: S | undefined
  for (const s of snapshots) if (!best || Math.abs(s.t - t) < Math.abs(best.t - t)) best = s
  if (!best) return undefined
  const tolerance = (Number.isFinite(eta) ? 0.5 * eta * (1 + 1e-9) : 0) + 1e-12 * Math.max(1, Math.abs(t))
  return Math.abs(best.t - t) <= tolerance ? best : undefined
}

/**
 * Digests of runs whose run.json no longer changes, by run folder; the oldest entries go first
 * beyond maxEntries (a bound for a process that opens many large projects).
 */
export class RunDigestCache {
  private readonly entries = new Map<string, RunDigest>()
  constructor(readonly maxEntries = 100_000) {}

  get size(): number {
    return this.entries.size
  }

  /** The cached digest of runDir, if it serves a table of sweepId with this view. */
  lookup(runDir: string, sweepId: string, key: string): RunDigest | undefined {
    const digest = this.entries.get(runDir)
    if (!digest) return undefined
    if (digest.sweepId === sweepId && FINISHED_RUN_STATUSES.has(digest.status) && digest.viewKey !== key) return undefined
    return digest
  }

  remember(digest: RunDigest): void {
    if (!FINAL_STATUSES.has(digest.status)) return
    this.entries.delete(digest.runDir)
    this.entries.set(digest.runDir, digest)
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
  }

  /** Forgets every run under projectDir's runs folder (e.g. after runs were deleted). */
  forgetProject(projectDir: string): void {
    const prefix = join(projectDir, RUNS_FOLDER_NAME)
    for (const runDir of this.entries.keys()) if (runDir.startsWith(prefix)) this.entries.delete(runDir)
  }
}

/** Reads one run's digest (through the cache); undefined when its run.json is missing or unreadable. */
export async function readRunDigest(runId: string, runDir: string, sweepId: string, view: SweepTableView, cache?: RunDigestCache, key = viewKey(view)): Promise<RunDigest | undefined> {
  const cached = cache?.lookup(runDir, sweepId, key)
  if (cached) return cached
  let record: RunRecord
  try {
    record = (await readRunRecord(runDir)) as RunRecord
  } catch {
    return undefined // a run still starting (no run.json yet), or a damaged folder: not part of any table
  }
  const digest = digestRun(runId, runDir, record, view, key)
  cache?.remember(digest)
  return digest
}

/** The digests of the runs of sweepId, by point id, oldest first (run ids sort by start time). */
export async function readSweepDigests(projectDir: string, sweepId: string, view: SweepTableView, cache?: RunDigestCache): Promise<Map<string, RunDigest[]>> {
  const runsDir = join(projectDir, RUNS_FOLDER_NAME)
  let runIds: string[]
  try {
    runIds = (await readdir(runsDir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw error
  }
  const key = viewKey(view)
  const digests = new Array<RunDigest | undefined>(runIds.length)
  let next = 0
  const reader = async () => {
    for (let k = next++; k < runIds.length; k = next++) digests[k] = await readRunDigest(runIds[k], join(runsDir, runIds[k]), sweepId, view, cache, key)
  }
  await Promise.all(Array.from({ length: Math.min(READ_PARALLELISM, runIds.length) }, reader))
  const byPoint = new Map<string, RunDigest[]>()
  for (const digest of digests) {
    if (!digest || digest.sweepId !== sweepId || digest.pointId === undefined) continue
    const list = byPoint.get(digest.pointId) ?? []
    list.push(digest)
    byPoint.set(digest.pointId, list)
  }
  return byPoint
}

/** A point's row: from the run that counts for it (finished), or its run under way, or none. */
export function sweepTableRow(point: Pick<SweepPoint, 'index' | 'id' | 'params'>, run: RunDigest | undefined, status: SweepPointStatus): SweepTableRow {
  const row: SweepTableRow = { index: point.index, pointId: point.id, params: point.params, status }
  if (!run || status === 'pending') return row
  row.runId = run.runId
  row.runDir = run.runDir
  if (status === 'running') return row
  if (run.message !== undefined) row.message = run.message
  if (run.wallSeconds !== undefined) row.wallSeconds = run.wallSeconds
  if (run.finalErrorNorm !== undefined) row.finalErrorNorm = run.finalErrorNorm
  if (run.finalRel) row.finalRel = run.finalRel
  if (run.rel) row.rel = run.rel
  if (run.decayTimes) row.decayTimes = run.decayTimes
  return row
}

/**
 * The table of a valid sweep of the catalog: the points in order, each with the run that counts
 * (the finished run state.json names, else the latest finished, else a run under way).
 */
export async function buildSweepTable(projectDir: string, sweep: Required<Pick<CatalogSweep, 'spec' | 'baseExperiment' | 'points'>> & CatalogSweep, query?: SweepDecayQuery, cache?: RunDigestCache): Promise<SweepTable> {
  const view = sweepTableView(sweep.baseExperiment, query)
  const digests = await readSweepDigests(projectDir, sweep.id, view, cache)
  const state = await readSweepState(projectDir, sweep.id).catch(() => undefined)
  const preferred = new Map((state?.points ?? []).map((p) => [p.pointId, p.runId]))
  const rows = sweep.points.map((point) => {
    const { finished, live } = choosePointRun(digests.get(point.id) ?? [], (d) => d.status, preferred.get(point.id))
    if (finished) return sweepTableRow(point, finished, pointStatusOf(finished.status))
    const latest = live[live.length - 1]
    return latest ? sweepTableRow(point, latest, 'running') : sweepTableRow(point, undefined, 'pending')
  })
  return {
    sweepId: sweep.id,
    axes: sweep.spec.axes.map((axis) => ({ path: axis.path, values: axis.values })),
    snapshotTimes: view.snapshotTimes,
    models: view.models,
    decay: view.decay,
    rows,
  }
}
