/**
 * A sweep of a project as the runner sees it: its definition (project.json "sweeps", sweep design)
 * validated, and its points expanded, each with the experiment it runs.
 */
import type { Experiment } from '../../shared/project/experimentTypes'
import type { SweepPoint, SweepSpec } from '../../shared/sweep/sweepTypes'
import { findValidSweep, readSweepCatalog } from './sweepCatalog'

export { SweepDefinitionError } from './sweepCatalog'

export interface LoadedSweep {
  sweep: SweepSpec
  points: SweepPoint[]
  /** the experiment of project.json named by sweep.base */
  base: Experiment
}

/**
 * Loads the project at projectDir, finds sweep `sweepId` in its "sweeps" list, validates it and
 * expands its points (the same definition always gives the same points, in the same order).
 * Throws SweepDefinitionError naming the problem (kind: unknown-sweep, invalid-sweep or
 * invalid-project).
 */
export async function loadSweep(projectDir: string, sweepId: string): Promise<LoadedSweep> {
  const found = findValidSweep(await readSweepCatalog(projectDir), sweepId, projectDir)
  return { sweep: found.spec, points: found.points, base: found.baseExperiment }
}
