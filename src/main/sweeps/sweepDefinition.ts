/**
 * A sweep of a project as the runner sees it: its definition (project.json "sweeps", sweep design)
 * validated, and its points expanded, each with the experiment it runs.
 */
import type { SweepPoint, SweepSpec } from '../../shared/sweep/sweepTypes'
import { validateSweep } from '../../shared/sweep/sweepSchema'
import { expandSweep } from '../../shared/sweep/sweepExpansion'
import type { ProjectProblem } from '../../shared/project/projectSchema'
import { loadProject } from '../project/projectStore'

export interface LoadedSweep {
  sweep: SweepSpec
  points: SweepPoint[]
}

/** A sweep that cannot run: the reason, with each problem and its JSON path. */
export class SweepDefinitionError extends Error {
  constructor(message: string, readonly problems: ProjectProblem[] = []) {
    super(problems.length === 0 ? message : `${message}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`)
    this.name = 'SweepDefinitionError'
  }
}

/**
 * Loads the project at projectDir, finds sweep `sweepId` in its "sweeps" list, validates it and
 * expands its points (the same definition always gives the same points, in the same order).
 * Throws SweepDefinitionError naming the problem.
 */
export async function loadSweep(projectDir: string, sweepId: string): Promise<LoadedSweep> {
  const loaded = await loadProject(projectDir)
  if (!loaded.ok) throw new SweepDefinitionError(`the project at ${projectDir} is not valid`, loaded.problems)
  const project = loaded.project
  const raw = project.sweeps
  const list: unknown[] = Array.isArray(raw) ? raw : []
  const position = list.findIndex((entry) => typeof entry === 'object' && entry !== null && (entry as { id?: unknown }).id === sweepId)
  if (position < 0) {
    const known = list.map((entry) => (entry as { id?: unknown })?.id).filter((id) => typeof id === 'string').join(', ') || 'none'
    throw new SweepDefinitionError(`no sweep "${sweepId}" in ${projectDir}/project.json (sweeps: ${known})`)
  }
  const path = `$.sweeps[${position}]`
  const experimentIds = project.experiments.map((e) => e.id)
  const validated = validateSweep(list[position], path, experimentIds)
  if (!validated.sweep || validated.problems.length > 0) throw new SweepDefinitionError(`sweep "${sweepId}" is not valid`, validated.problems)
  const sweep = validated.sweep
  const base = project.experiments.find((e) => e.id === sweep.base)
  if (!base) throw new SweepDefinitionError(`sweep "${sweepId}": no base experiment "${sweep.base}" (experiments: ${experimentIds.join(', ') || 'none'})`)
  const expanded = expandSweep(sweep, base, path)
  if (expanded.problems.length > 0) throw new SweepDefinitionError(`sweep "${sweepId}" has invalid points`, expanded.problems)
  return { sweep, points: expanded.points }
}
