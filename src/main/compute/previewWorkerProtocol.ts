import type { ExperimentPreview } from '../../shared/api/workbenchApi'
import type { Experiment } from '../../shared/project/experimentTypes'

/** Messages between the analysis service and its preview worker thread. */
export interface PreviewWorkerRequest {
  id: number
  experiment: Experiment
  projectDir?: string
}

export type PreviewWorkerMessage =
  | { id: number; ok: true; preview: ExperimentPreview }
  | { id: number; ok: false; message: string }
