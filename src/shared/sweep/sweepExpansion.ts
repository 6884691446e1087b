/**
 * Expansion of a validated sweep (sweepSchema.ts) into its points (sweep design, issue 4).
 *
 * Grid order: the cartesian product of the axes in the order they are listed, the last axis
 * varying fastest (like nested loops with axes[0] outermost). Grid index g of the point choosing
 * value v_k of axis k (0-based, axis sizes n_k) is g = sum_k v_k * prod_{j > k} n_j.
 *
 * Random mode draws `count` distinct grid indices with the seeded generator (xoshiro128**, stream
 * SWEEP_SAMPLE_STREAM) by a partial Fisher-Yates shuffle of 0..G-1, then lists the drawn points in
 * grid order (not draw order), so that a point's index says where it lies in the grid. The same
 * seed always draws the same set; the grid itself is never built, so G may be large.
 */
import type { Experiment } from '../project/experimentTypes'
import { EXPERIMENT_ID_PATTERN, validateExperiment } from '../project/projectSchema'
import type { ProjectProblem } from '../project/projectSchema'
import { createSeededRandom } from '../network/seededRandom'
import type { SweepAxis, SweepPoint, SweepSpec } from './sweepTypes'

/**
 * Stream of the random draw of points; distinct from the streams of RANDOM_STREAM (1: initial
 * parameters, 2: samples) so that a sweep seed never shares a sequence with a network seed.
 */
export const SWEEP_SAMPLE_STREAM = 3
/** Point ids are experiment ids: at most 64 characters (EXPERIMENT_ID_PATTERN). */
const MAX_ID_LENGTH = 64

export interface SweepExpansion {
  /** the valid points, in sweep order; a point whose experiment is invalid is left out (and is a problem) */
  points: SweepPoint[]
  problems: ProjectProblem[]
}

/** Number of points of the full grid: the product of the axis sizes. */
export function gridSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((product, axis) => product * axis.values.length, 1)
}

/** The value index of every axis for grid index `gridIndex` (last axis fastest). */
export function gridCoordinates(axes: readonly SweepAxis[], gridIndex: number): number[] {
  const coordinates = new Array<number>(axes.length)
  let rest = gridIndex
  for (let k = axes.length - 1; k >= 0; k--) {
    const size = axes[k].values.length
    coordinates[k] = rest % size
    rest = Math.floor(rest / size)
  }
  return coordinates
}

/**
 * `count` distinct integers of 0..size-1 drawn with `seed`, ascending. Partial Fisher-Yates over a
 * virtual array 0..size-1 (only the swapped entries are stored), so memory is O(count).
 */
export function sampleGridIndices(size: number, count: number, seed: number): number[] {
  if (!Number.isSafeInteger(size) || !Number.isInteger(count) || count < 0 || count > size) {
    throw new RangeError(`sampleGridIndices: cannot draw ${count} distinct indices from ${size}`)
  }
  const random = createSeededRandom(seed, SWEEP_SAMPLE_STREAM)
  const swapped = new Map<number, number>()
  const drawn: number[] = []
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random.uniform() * (size - i))
    const atJ = swapped.get(j) ?? j
    swapped.set(j, swapped.get(i) ?? i)
    drawn.push(atJ)
  }
  return drawn.sort((a, b) => a - b)
}

/**
 * The points of `sweep` applied to `base` (the experiment whose id is sweep.base), each validated
 * with validateExperiment. `path` prefixes the problems (e.g. "$.sweeps[0]"). A point that is
 * invalid once its values are applied is reported at `<path>.points[<index>].<field>` with its id.
 */
export function expandSweep(sweep: SweepSpec, base: Experiment, path = `sweep ${JSON.stringify(sweep.id)}`): SweepExpansion {
  const problems: ProjectProblem[] = []
  if (base.id !== sweep.base) {
    problems.push({ path: `${path}.base`, message: `the base experiment given is ${JSON.stringify(base.id)}, not ${JSON.stringify(sweep.base)}` })
    return { points: [], problems }
  }
  const size = gridSize(sweep.axes)
  if (size === 0) {
    problems.push({ path: `${path}.axes`, message: 'an axis has no values, so the grid has no points' })
    return { points: [], problems }
  }
  let gridIndices: number[]
  if (sweep.mode === 'random') {
    const count = sweep.count ?? 0
    if (count < 1 || count > size || count > sweep.maxPoints) {
      problems.push({ path: `${path}.count`, message: `must be an integer from 1 to ${Math.min(size, sweep.maxPoints)} (the grid has ${size} points, the limit is ${sweep.maxPoints}) (got ${sweep.count})` })
      return { points: [], problems }
    }
    gridIndices = sampleGridIndices(size, count, sweep.seed)
  } else {
    if (size > sweep.maxPoints) {
      problems.push({ path, message: `the grid would be ${size} points; the limit is ${sweep.maxPoints}: set maxPoints to confirm` })
      return { points: [], problems }
    }
    gridIndices = Array.from({ length: size }, (_, index) => index)
  }

  const labels = axisLabels(sweep.axes)
  const readable = gridIndices.map((gridIndex) => {
    const coordinates = gridCoordinates(sweep.axes, gridIndex)
    return [sweep.base, ...sweep.axes.map((axis, k) => `${labels[k]}-${formatValue(axis.values[coordinates[k]])}`)].join('__')
  })
  const ids = uniqueIds(readable, gridIndices)

  const points: SweepPoint[] = []
  gridIndices.forEach((gridIndex, index) => {
    const coordinates = gridCoordinates(sweep.axes, gridIndex)
    const params: Record<string, unknown> = {}
    const draft = structuredClone(base) as Record<string, unknown>
    draft.id = ids[index]
    sweep.axes.forEach((axis, k) => {
      const value = axis.values[coordinates[k]]
      params[axis.path] = structuredClone(value)
      setAtPath(draft, axis.path, structuredClone(value))
    })
    dropBaseEndTime(draft, base, params)
    const pointPath = `${path}.points[${index}]`
    const validation = validateExperiment(draft, pointPath)
    if (!validation.experiment) {
      for (const problem of validation.problems) {
        problems.push({ path: problem.path, message: `point ${JSON.stringify(ids[index])} (${describeParams(params)}): ${problem.message}` })
      }
      return
    }
    points.push({ index, id: ids[index], params, experiment: validation.experiment })
  })
  return { points, problems }
}

/** The name of each axis in point ids: its last field name, or the whole path where two axes share it. */
function axisLabels(axes: readonly SweepAxis[]): string[] {
  const last = axes.map((axis) => axis.path.split('.').pop() as string)
  return axes.map((axis, k) => sanitise(last.filter((name) => name === last[k]).length > 1 ? axis.path : last[k]))
}

/** A value as it appears in a point id: 4000 -> "4000", [1, 2, 4] -> "1-2-4", "auto" -> "auto". */
function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(formatValue).join('-')
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'string') return sanitise(value)
  return sanitise(JSON.stringify(value))
}

/** Letters, digits, "." and "-" only; runs of anything else become one "-" ("_" is the separator). */
function sanitise(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '')
  return clean === '' ? 'x' : clean
}

/**
 * Makes the readable ids filename-safe and unique: an id over 64 characters is cut and ends with a
 * hash of the whole readable id; ids that still coincide (values that read alike once sanitised)
 * end with their grid index. Both depend only on the definition, so the ids are stable.
 */
function uniqueIds(readable: string[], gridIndices: number[]): string[] {
  const fitted = readable.map((id) => fit(id, `-${hash32(id)}`))
  const counts = new Map<string, number>()
  for (const id of fitted) counts.set(id, (counts.get(id) ?? 0) + 1)
  return fitted.map((id, index) => {
    if (counts.get(id) === 1 && EXPERIMENT_ID_PATTERN.test(id)) return id
    return fit(`${readable[index]}-g${gridIndices[index]}`, `-${hash32(readable[index])}-g${gridIndices[index]}`)
  })
}

/** `id` if it is at most 64 characters and ends well, else its start followed by `suffix`. */
function fit(id: string, suffix: string): string {
  if (id.length <= MAX_ID_LENGTH && !id.endsWith('.')) return id
  return id.slice(0, MAX_ID_LENGTH - suffix.length).replace(/[.-]+$/, '') + suffix
}

/** FNV-1a 32-bit hash of a string, as 8 hex digits. */
function hash32(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}

function setAtPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) {
    const child = node[key]
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  node[keys[keys.length - 1]] = value
}

/**
 * Validated experiments list their final time among the snapshots. When a point changes
 * training.time (and not the snapshots), the base's final time is dropped from them, and
 * validation adds the point's own; otherwise a shorter time would leave a snapshot beyond it.
 */
function dropBaseEndTime(draft: Record<string, unknown>, base: Experiment, params: Record<string, unknown>): void {
  if (!Object.hasOwn(params, 'training.time') || Object.hasOwn(params, 'training.snapshots')) return
  const training = draft.training as { snapshots?: unknown } | undefined
  if (!training || !Array.isArray(training.snapshots)) return
  training.snapshots = training.snapshots.filter((time) => time !== base.training.time)
}

function describeParams(params: Record<string, unknown>): string {
  return Object.entries(params).map(([path, value]) => `${path} = ${JSON.stringify(value)}`).join(', ')
}
