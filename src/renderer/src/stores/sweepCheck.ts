/**
 * The check of one sweep of the edited project as the user types (issue 4, Definition): the
 * shared validateSweep (the same rules `mscale validate` and the sweep service apply), duplicate
 * ids, and the size of the grid even where the sweep is refused, so the editor can say "the grid
 * would be 5000 points" next to the refusal. Problems carry their field relative to the sweep
 * ("axes[1].values[2]"), like the experiment form's (fieldPaths.ts).
 *
 * Expansion into points (expandSweep, which validates every point's experiment) costs about
 * 0.1 ms a point, so it is not done here: the editor runs it after typing pauses.
 */
import type { ProjectProblem } from '../../../shared/api/workbenchApi'
import type { SweepDefinition, SweepSpec } from '../../../shared/sweep/sweepTypes'
import { validateSweep, MAX_RANGE_VALUES } from '../../../shared/sweep/sweepSchema'
import { relativeField, type FieldProblem } from './fieldPaths'

export interface SweepCheck {
  key: string
  index: number
  /** the validated sweep (ranges expanded, defaults filled), present exactly when there are no problems */
  spec?: SweepSpec
  problems: FieldProblem[]
  warnings: FieldProblem[]
  /** the product of the axis sizes where every axis gives a list or a range (else undefined) */
  gridSize?: number
  /** the size of each axis as given (undefined where an axis has no countable values) */
  axisSizes: (number | undefined)[]
  /** the points the sweep would run: the grid, or count in random mode (undefined when unknown) */
  pointCount?: number
}

/** JSON path of sweep `index` in project.json. */
export function sweepPath(index: number): string {
  return `$.sweeps[${index}]`
}

/** The problem's field relative to its sweep ("" for the sweep as a whole). */
export function toSweepField(problem: ProjectProblem, index: number): FieldProblem {
  return { ...problem, field: relativeField(problem.path, sweepPath(index)) ?? problem.path }
}

/** Number of values an axis gives as written (a list's length, a range's size), or undefined. */
export function axisSize(values: unknown): number | undefined {
  if (Array.isArray(values)) return values.length
  if (typeof values === 'object' && values !== null) {
    const { from, to } = values as { from?: unknown; to?: unknown }
    if (Number.isSafeInteger(from) && Number.isSafeInteger(to)) {
      const size = (to as number) - (from as number) + 1
      return size >= 0 && size <= MAX_RANGE_VALUES ? size : undefined
    }
  }
  return undefined
}

/**
 * Checks every sweep of a project: `experimentIds` are the ids of the edited experiments (a base
 * must be one of them), `keys` the stable keys parallel to `sweeps`.
 */
export function checkSweeps(sweeps: readonly SweepDefinition[], keys: readonly string[], experimentIds: string[]): SweepCheck[] {
  const firstIndexOfId = new Map<unknown, number>()
  return sweeps.map((sweep, index) => {
    const result = validateSweep(sweep, sweepPath(index), experimentIds)
    const problems = result.problems.map((problem) => toSweepField(problem, index))
    const id = (sweep as { id?: unknown } | undefined)?.id
    const earlier = firstIndexOfId.get(id)
    if (earlier === undefined) firstIndexOfId.set(id, index)
    else problems.push({ path: `${sweepPath(index)}.id`, field: 'id', message: `duplicate sweep id ${JSON.stringify(id)} (also used by sweep ${earlier + 1}); sweep ids must be unique` })
    const axes = Array.isArray(sweep?.axes) ? sweep.axes : []
    const axisSizes = axes.map((axis) => axisSize((axis as { values?: unknown } | undefined)?.values))
    const gridSize = axisSizes.length > 0 && axisSizes.every((size) => size !== undefined)
      ? axisSizes.reduce<number>((product, size) => product * (size as number), 1)
      : undefined
    const count = typeof sweep?.count === 'number' ? sweep.count : undefined
    const pointCount = sweep?.mode === 'random' ? count : gridSize
    return {
      key: keys[index],
      index,
      spec: problems.length === 0 ? result.sweep : undefined,
      problems,
      warnings: result.warnings.map((warning) => toSweepField(warning, index)),
      gridSize,
      axisSizes,
      pointCount,
    }
  })
}
