import type { BackendChoice, Experiment, TrainingBackend } from '../project/experimentTypes'
import type { SnapshotMetrics } from './spectralComparison'
import type { RunStatus } from '../api/workbenchApi'
import type { BackendAttempt } from '../network/trainingEngine'
import type { DecayTimes } from './decayTimes'

export const RUN_FORMAT = 'mscale-workbench/run'
export const RUN_VERSION = 1

/** An array file of the run folder: numpy .npy, float64 unless stated. */
export interface RunArrayEntry {
  file: string
  shape: number[]
  description: string
}

/**
 * run.json: everything a run is, written atomically at each status change. Metrics are small so
 * that tables of many runs read run.json alone; arrays live in .npy files beside it.
 */
export interface RunRecord {
  format: typeof RUN_FORMAT
  version: typeof RUN_VERSION
  runId: string
  experimentId: string
  status: RunStatus
  message?: string
  /** worth knowing about the run, in words (e.g. a model skipped and why); kept whatever its status */
  notes?: string[]
  createdAt: string
  startedAt?: string
  finishedAt?: string
  /** the experiment exactly as run, after defaults */
  config: Experiment
  requestedBackend: BackendChoice
  backend?: { name: TrainingBackend; precision: 'float32' | 'float64'; attempts: BackendAttempt[] }
  versions: Record<string, string>
  seeds: { network: number; samples: number }
  learningRate?: { value: number; auto: boolean; lambdaMax: number; largestStable: number }
  /** snapshots: every snapshot step; requested: those of training.snapshots (the rest fill the time grid) */
  steps?: { total: number; completed: number; snapshots: number[]; requested: number[] }
  timings?: { prepareSeconds: number; trainSeconds: number; analysisSeconds: number; totalSeconds: number; msPerStep: number }
  /**
   * decay: the first model time the training error at each xi falls to each of DECAY_THRESHOLDS
   * times its initial value (decayTimes.ts); absent in runs written before it existed
   */
  metrics?: { initialLoss: number; finalLoss: number; snapshots: SnapshotMetrics[]; decay?: DecayTimes }
  arrays: Record<string, RunArrayEntry>
  /** set on the runs of a sweep's points: the sweep, the point and its axis values */
  sweep?: RunSweepInfo
}

/** Which sweep point a run computes (sweep design: run.json of a point). */
export interface RunSweepInfo {
  id: string
  pointId: string
  index: number
  params: Record<string, unknown>
}
