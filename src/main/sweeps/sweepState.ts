/**
 * The persistent queue of a sweep (sweep design, "Execution"):
 *
 *   <project>/sweeps/<sweep-id>/state.json   for every point: { index, pointId, status, runId?, runDir? }
 *
 * written atomically (atomicWrite.ts), so a crash leaves the previous state or the new one. The
 * truth about a point is its run folder's run.json (itself written atomically, with a `sweep`
 * field naming the sweep and the point): the state is reconciled with the run.json files before
 * every use, so that a point counts as finished only when a run.json says so, and points
 * finished elsewhere (Slurm array tasks on a shared file system) are picked up.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RunStatus, SweepPointStatus, SweepTableRow } from '../../shared/api/workbenchApi'
import type { RunRecord } from '../../shared/study/runRecord'
import type { SnapshotMetrics } from '../../shared/study/spectralComparison'
import type { SweepPoint } from '../../shared/sweep/sweepTypes'
import { writeFileAtomic } from '../project/atomicWrite'
import { listRuns } from '../project/runStore'

export const SWEEPS_FOLDER_NAME = 'sweeps'
export const SWEEP_STATE_FILE_NAME = 'state.json'
export const SWEEP_STATE_FORMAT = 'mscale-workbench/sweep-state'
export const SWEEP_STATE_VERSION = 1

/** A point in state.json: the identity, status and two metrics of its row of the results table. */
export type SweepPointState = Pick<SweepTableRow, 'index' | 'pointId' | 'status' | 'runId' | 'runDir' | 'message' | 'wallSeconds' | 'finalErrorNorm'>

export interface SweepState {
  format: typeof SWEEP_STATE_FORMAT
  version: typeof SWEEP_STATE_VERSION
  sweepId: string
  updatedAt: string
  points: SweepPointState[]
}

/** Statuses of run.json that finish a point; a cancelled run (a paused sweep) is run again. */
export const FINISHED_RUN_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['done', 'diverged', 'failed'])
const FINISHED = FINISHED_RUN_STATUSES

export function isFinished(status: SweepPointStatus): boolean {
  return status === 'done' || status === 'diverged' || status === 'failed'
}

export function sweepDir(projectDir: string, sweepId: string): string {
  return join(projectDir, SWEEPS_FOLDER_NAME, sweepId)
}

/** Reads state.json; undefined when the sweep has never run here. */
export async function readSweepState(projectDir: string, sweepId: string): Promise<SweepState | undefined> {
  const file = join(sweepDir(projectDir, sweepId), SWEEP_STATE_FILE_NAME)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const value = JSON.parse(text) as SweepState
  if (value?.format !== SWEEP_STATE_FORMAT || !Array.isArray(value.points)) throw new Error(`${file} is not a sweep state file (format ${SWEEP_STATE_FORMAT})`)
  return value
}

/** Writes state.json atomically. */
export async function writeSweepState(projectDir: string, state: SweepState): Promise<void> {
  const dir = sweepDir(projectDir, state.sweepId)
  await mkdir(dir, { recursive: true })
  await writeFileAtomic(join(dir, SWEEP_STATE_FILE_NAME), `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`)
}

/** A run of a sweep point found in the project's runs folder (run.json only; arrays are not read). */
export interface SweepRunListing {
  runId: string
  runDir: string
  record: RunRecord
}

/** The runs of sweep `sweepId` grouped by point id, oldest first (run ids sort by start time). */
export async function listSweepRuns(projectDir: string, sweepId: string): Promise<Map<string, SweepRunListing[]>> {
  const byPoint = new Map<string, SweepRunListing[]>()
  for (const { runId, runDir, record } of await listRuns(projectDir)) {
    const run = record as RunRecord
    if (run.sweep?.id !== sweepId || typeof run.sweep.pointId !== 'string') continue
    const list = byPoint.get(run.sweep.pointId) ?? []
    list.push({ runId, runDir, record: run })
    byPoint.set(run.sweep.pointId, list)
  }
  return byPoint
}

/**
 * The state of every point from the run.json files: a point is finished when one of its runs is
 * (the state's own run preferred, else the latest); else running when a run says queued or
 * running (`unfinished` lists those runs: after a crash they are stale and the point is rerun);
 * else pending. Points are matched by id, so a state file written for another definition of the
 * sweep cannot mark a point finished.
 */
export function reconcileSweepState(sweepId: string, points: readonly SweepPoint[], runs: Map<string, SweepRunListing[]>, previous?: SweepState): { state: SweepState; unfinished: SweepRunListing[] } {
  const previousById = new Map((previous?.points ?? []).map((p) => [p.pointId, p]))
  const unfinished: SweepRunListing[] = []
  const states = points.map((point): SweepPointState => {
    const { finished, live } = choosePointRun(runs.get(point.id) ?? [], (r) => r.record.status, previousById.get(point.id)?.runId)
    if (finished) return { index: point.index, pointId: point.id, ...describeRun(finished) }
    unfinished.push(...live)
    const latest = live[live.length - 1]
    if (latest) return { index: point.index, pointId: point.id, status: 'running', runId: latest.runId, runDir: latest.runDir }
    return { index: point.index, pointId: point.id, status: 'pending' }
  })
  return { state: { format: SWEEP_STATE_FORMAT, version: SWEEP_STATE_VERSION, sweepId, updatedAt: new Date().toISOString(), points: states }, unfinished }
}

/**
 * Which run of a point counts (runs oldest first): the finished run the state names (`preferred`),
 * else the latest finished one; `live` lists the runs still marked queued or running.
 */
export function choosePointRun<T extends { runId: string }>(runs: readonly T[], statusOf: (run: T) => RunStatus, preferred?: string): { finished?: T; live: T[] } {
  const finished = runs.filter((r) => FINISHED.has(statusOf(r)))
  const live = runs.filter((r) => statusOf(r) === 'queued' || statusOf(r) === 'running')
  return { finished: finished.find((r) => r.runId === preferred) ?? finished[finished.length - 1], live }
}

/** The status of a point whose chosen run has this status (a cancelled run leaves it pending). */
export function pointStatusOf(status: RunStatus): SweepPointStatus {
  return FINISHED.has(status) ? (status as SweepPointStatus) : status === 'cancelled' ? 'pending' : 'running'
}

/**
 * ||u^(T)|| / ||u^(0)|| on the analysis band from a run's snapshot metrics, both parts of the
 * transform (P moves only with a bias); undefined without snapshots or a zero initial error.
 */
export function finalErrorNormOf(snapshots: readonly SnapshotMetrics[]): number | undefined {
  const first = snapshots[0]
  const last = snapshots[snapshots.length - 1]
  const initial = first ? Math.hypot(first.errorNorm, first.errorNormP ?? 0) : 0
  return last && initial > 0 ? Math.hypot(last.errorNorm, last.errorNormP ?? 0) / initial : undefined
}

/** A point's state from its finished run's record. */
export function describeRun(run: SweepRunListing): Omit<SweepPointState, 'index' | 'pointId'> {
  const record = run.record
  const finalErrorNorm = finalErrorNormOf(record.metrics?.snapshots ?? [])
  return {
    status: pointStatusOf(record.status),
    runId: run.runId,
    runDir: run.runDir,
    ...(record.message !== undefined ? { message: record.message } : {}),
    ...(record.timings ? { wallSeconds: record.timings.totalSeconds } : {}),
    ...(finalErrorNorm !== undefined ? { finalErrorNorm } : {}),
  }
}

/** Counts of points per status (of a state's points, or a table's rows). */
export function countStatuses(points: readonly { status: SweepPointStatus }[]): Record<SweepPointStatus, number> {
  const counts: Record<SweepPointStatus, number> = { pending: 0, running: 0, done: 0, diverged: 0, failed: 0 }
  for (const point of points) counts[point.status]++
  return counts
}
