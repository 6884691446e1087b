/**
 * The sweeps of a project as saved in project.json, each validated and expanded on its own, so
 * that one invalid sweep (a hand edit, a point that breaks a cross-field rule) is listed with its
 * problems instead of hiding the others. What the sweep service lists and what loadSweep runs.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Experiment } from '../../shared/project/experimentTypes'
import { parseProject, type ProjectProblem } from '../../shared/project/projectSchema'
import { expandSweep } from '../../shared/sweep/sweepExpansion'
import { validateSweep } from '../../shared/sweep/sweepSchema'
import type { SweepMode, SweepPoint, SweepSpec } from '../../shared/sweep/sweepTypes'
import { loadProject, PROJECT_FILE_NAME } from '../project/projectStore'

export interface CatalogSweep {
  /** index in project.json's "sweeps" */
  position: number
  /** its id (or "$.sweeps[k]" where it has none) */
  id: string
  base: string
  mode: SweepMode
  /** present when valid, with the base experiment and the points */
  spec?: SweepSpec
  baseExperiment?: Experiment
  points?: SweepPoint[]
  /** empty when valid */
  problems: ProjectProblem[]
}

/** Why a sweep cannot be read or run; `kind` maps to the sweep service's error codes. */
export class SweepDefinitionError extends Error {
  constructor(message: string, readonly problems: ProjectProblem[] = [], readonly kind: 'unknown-sweep' | 'invalid-sweep' | 'invalid-project' = 'invalid-sweep') {
    super(problems.length === 0 ? message : `${message}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`)
    this.name = 'SweepDefinitionError'
  }
}

/**
 * Reads <projectDir>/project.json and describes each of its sweeps. A project whose only problems
 * are in its sweeps is read (its experiments are valid); any other problem throws
 * SweepDefinitionError of kind 'invalid-project' listing them.
 */
export async function readSweepCatalog(projectDir: string): Promise<CatalogSweep[]> {
  const loaded = await loadProject(projectDir)
  let experiments: Experiment[]
  let list: unknown[]
  if (loaded.ok) {
    experiments = loaded.project.experiments
    list = Array.isArray(loaded.project.sweeps) ? loaded.project.sweeps : []
  } else {
    const invalid = () => new SweepDefinitionError(`the project at ${projectDir} is not valid`, loaded.problems, 'invalid-project')
    if (!loaded.problems.every((p) => /^\$\.sweeps(\[|$)/.test(p.path))) throw invalid()
    // Only the sweeps are wrong: read the rest without them, then describe each sweep on its own.
    const raw = JSON.parse(await readFile(join(projectDir, PROJECT_FILE_NAME), 'utf8')) as Record<string, unknown>
    const withoutSweeps = parseProject({ ...raw, sweeps: [] })
    if (!withoutSweeps.ok || !Array.isArray(raw.sweeps)) throw invalid()
    experiments = withoutSweeps.project.experiments
    list = raw.sweeps
  }
  const experimentIds = experiments.map((e) => e.id)
  const seen = new Set<string>()
  return list.map((entry, position) => {
    const path = `$.sweeps[${position}]`
    const fields = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {}
    const id = typeof fields.id === 'string' ? fields.id : path
    const described: CatalogSweep = {
      position, id,
      base: typeof fields.base === 'string' ? fields.base : '',
      mode: fields.mode === 'random' ? 'random' : 'grid',
      problems: [],
    }
    if (seen.has(id)) described.problems.push({ path: `${path}.id`, message: `duplicate sweep id ${JSON.stringify(id)}; sweep ids must be unique` })
    seen.add(id)
    const validated = validateSweep(entry, path, experimentIds)
    described.problems.push(...validated.problems)
    if (!validated.sweep || described.problems.length > 0) return described
    const base = experiments.find((e) => e.id === validated.sweep!.base)!
    const expanded = expandSweep(validated.sweep, base, path)
    if (expanded.problems.length > 0) {
      described.problems.push(...expanded.problems)
      return described
    }
    return { ...described, spec: validated.sweep, baseExperiment: base, points: expanded.points }
  })
}

/** The sweep `sweepId` of a catalog, valid; throws SweepDefinitionError (unknown or invalid) otherwise. */
export function findValidSweep(catalog: readonly CatalogSweep[], sweepId: string, projectDir: string): Required<Pick<CatalogSweep, 'spec' | 'baseExperiment' | 'points'>> & CatalogSweep {
  const found = catalog.find((s) => s.id === sweepId)
  if (!found) {
    const known = catalog.map((s) => s.id).join(', ') || 'none'
    throw new SweepDefinitionError(`no sweep "${sweepId}" in ${projectDir}/project.json (sweeps: ${known})`, [], 'unknown-sweep')
  }
  if (!found.spec || !found.baseExperiment || !found.points) {
    const pointProblem = found.problems.some((p) => p.path.includes('.points['))
    throw new SweepDefinitionError(`sweep "${sweepId}" ${pointProblem ? 'has invalid points' : 'is not valid'}`, found.problems, 'invalid-sweep')
  }
  return found as Required<Pick<CatalogSweep, 'spec' | 'baseExperiment' | 'points'>> & CatalogSweep
}

/**
 * readSweepCatalog with memory: the catalog of a project is built again only when its project.json
 * text changed (expanding and validating 1,000 points takes tens of milliseconds; a UI asks for a
 * table at every finished point). Keeps the catalogs of the last `maxProjects` projects.
 */
export function createSweepCatalogReader(maxProjects = 4): (projectDir: string) => Promise<CatalogSweep[]> {
  const cached = new Map<string, { text: string; catalog: CatalogSweep[] }>()
  return async (projectDir) => {
    let text: string | undefined
    try {
      text = await readFile(join(projectDir, PROJECT_FILE_NAME), 'utf8')
    } catch {
      // readSweepCatalog says what is wrong
    }
    const hit = cached.get(projectDir)
    if (hit && text !== undefined && hit.text === text) return hit.catalog
    const catalog = await readSweepCatalog(projectDir)
    cached.delete(projectDir)
    if (text !== undefined) cached.set(projectDir, { text, catalog })
    if (cached.size > maxProjects) cached.delete(cached.keys().next().value as string)
    return catalog
  }
}
