import type { RunPrepared, RunProgress, RunSnapshot } from '../../shared/api/workbenchApi'
import type { ExecuteRunRequest } from '../runs/executeRun'
import type { RunRecord } from '../../shared/study/runRecord'

/** Messages between the run service and a run worker thread (one run at a time per worker). */
export type RunWorkerCommand = {
  type: 'run'
  request: ExecuteRunRequest
  /** Int32Array view over it: element 0 set to 1 asks the run to stop at the next chunk of steps */
  cancelFlag: SharedArrayBuffer
}

export type RunWorkerMessage =
  | { type: 'progress'; runId: string; progress: Omit<RunProgress, 'runId' | 'experimentId'> }
  | { type: 'prepared'; runId: string; prepared: Omit<RunPrepared, 'runId' | 'experimentId'> }
  | { type: 'snapshot'; runId: string; snapshot: Omit<RunSnapshot, 'runId' | 'experimentId'> }
  | { type: 'finished'; runId: string; record: RunRecord }
