/**
 * Parameter sweeps (issue 4, sweep design): a base experiment of the project and axes, each a
 * field path of the experiment with a list of values, expanded as a grid (the cartesian product)
 * or sampled at random from that grid. Validation is in sweepSchema.ts, expansion in
 * sweepExpansion.ts.
 *
 *   { "id": "scales-width", "base": "scales-1248", "mode": "grid",
 *     "axes": [ { "path": "network.scales", "values": [[1], [1, 2], [1, 2, 4]] },
 *               { "path": "network.seed",   "values": { "from": 0, "to": 4 } } ] }
 */
import type { Experiment } from '../project/experimentTypes'

export type SweepMode = 'grid' | 'random'

/** The integers from `from` to `to`, both included (from <= to). */
export interface IntegerRange {
  from: number
  to: number
}

/** One axis as project.json gives it: a list of values or an inclusive integer range. */
export interface SweepAxisDefinition {
  path: string
  values: unknown[] | IntegerRange
  [extra: string]: unknown
}

/**
 * A sweep as project.json gives it (Project.sweeps): kept verbatim, so that a save writes it back
 * unchanged; omitted fields stay omitted (seed defaults to 0, maxPoints to 1000).
 */
export interface SweepDefinition {
  id: string
  base: string
  mode: SweepMode
  axes: SweepAxisDefinition[]
  count?: number
  seed?: number
  maxPoints?: number
  [extra: string]: unknown
}

/** One axis after validation: its values as a list ({from, to} expanded). */
export interface SweepAxis {
  /** a field path of the experiment, e.g. "network.width" */
  path: string
  /** distinct values, each valid for the field on its own */
  values: unknown[]
}

/** A validated sweep, defaults filled. */
export interface SweepSpec {
  /** filename-safe, unique among the project's sweeps */
  id: string
  /** id of an experiment of the project */
  base: string
  mode: SweepMode
  axes: SweepAxis[]
  /** random mode only: number of grid points drawn without repetition */
  count?: number
  /** random mode: seed of the draw (default 0) */
  seed: number
  /** confirmation limit on the number of points (default 1000) */
  maxPoints: number
}

/** One point of a sweep: one run. */
export interface SweepPoint {
  /** position in the sweep's list of points, 0-based (the Slurm array task index) */
  index: number
  /**
   * stable, readable, filename-safe and unique among the sweep's points, built from the base id
   * and the axis values, e.g. "scales-1248__scales-1-2__width-4000__seed-3"
   */
  id: string
  /** axis path -> value of this point */
  params: Record<string, unknown>
  /** the base experiment with the values applied at their paths, id = point id, validated */
  experiment: Experiment
}
