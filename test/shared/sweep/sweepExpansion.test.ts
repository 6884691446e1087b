import { describe, expect, it } from 'vitest'
import type { Experiment } from '../../../src/shared/project/experimentTypes'
import { defaultExperiment, EXPERIMENT_ID_PATTERN, formatProblem, validateExperiment } from '../../../src/shared/project/projectSchema'
import { expandSweep, gridCoordinates, sampleGridIndices } from '../../../src/shared/sweep/sweepExpansion'
import { validateSweep } from '../../../src/shared/sweep/sweepSchema'
import type { SweepSpec } from '../../../src/shared/sweep/sweepTypes'

function base(): Experiment {
  return defaultExperiment('scales-1248')
}

/** A sweep through validateSweep, as the runner gets it. */
function sweepOf(raw: Record<string, unknown>): SweepSpec {
  const result = validateSweep({ id: 's', base: 'scales-1248', mode: 'grid', ...raw }, '$.sweeps[0]', ['scales-1248'])
  expect(result.problems).toEqual([])
  return result.sweep as SweepSpec
}

const DESIGN_AXES = [
  { path: 'network.scales', values: [[1], [1, 2], [1, 2, 4], [1, 2, 4, 8]] },
  { path: 'network.width', values: [1000, 4000] },
  { path: 'network.seed', values: { from: 0, to: 4 } },
]

describe('expandSweep, grid mode', () => {
  it('gives the product of the axis sizes, last axis fastest, with readable ids and params applied', () => {
    const experiment = base()
    const before = structuredClone(experiment)
    const { points, problems } = expandSweep(sweepOf({ axes: DESIGN_AXES }), experiment)
    expect(problems).toEqual([])
    expect(points).toHaveLength(4 * 2 * 5)
    expect(points.map((point) => point.index)).toEqual(Array.from({ length: 40 }, (_, index) => index))
    expect(points.slice(0, 6).map((point) => point.id)).toEqual([
      'scales-1248__scales-1__width-1000__seed-0',
      'scales-1248__scales-1__width-1000__seed-1',
      'scales-1248__scales-1__width-1000__seed-2',
      'scales-1248__scales-1__width-1000__seed-3',
      'scales-1248__scales-1__width-1000__seed-4',
      'scales-1248__scales-1__width-4000__seed-0',
    ])
    expect(points[39].id).toBe('scales-1248__scales-1-2-4-8__width-4000__seed-4')
    expect(new Set(points.map((point) => point.id)).size).toBe(40)
    for (const point of points) expect(point.id).toMatch(EXPERIMENT_ID_PATTERN)

    // Point 13 = scales index 1, width index 0, seed index 3 (13 = 1*10 + 0*5 + 3).
    const point = points[13]
    expect(point.params).toEqual({ 'network.scales': [1, 2], 'network.width': 1000, 'network.seed': 3 })
    expect(point.experiment.id).toBe(point.id)
    expect(point.experiment.network.scales).toEqual([1, 2])
    expect(point.experiment.network.width).toBe(1000)
    expect(point.experiment.network.seed).toBe(3)
    // Everything else is the base's, and each point's experiment is valid on its own.
    expect({ ...point.experiment, id: experiment.id, network: experiment.network }).toEqual(experiment)
    expect(validateExperiment(point.experiment, '$').problems).toEqual([])
    // The base is untouched, and points share no objects with it or each other.
    expect(experiment).toEqual(before)
    points[0].experiment.network.scales.push(99)
    expect(points[1].experiment.network.scales).toEqual([1])
    expect(experiment.network.scales).toEqual(before.network.scales)
  })

  it('gives the same ids and order every time', () => {
    const sweep = sweepOf({ axes: DESIGN_AXES })
    const first = expandSweep(sweep, base()).points.map((point) => point.id)
    const second = expandSweep(structuredClone(sweep), base()).points.map((point) => point.id)
    expect(second).toEqual(first)
  })

  it('names axes sharing a field name by their whole path, and formats strings and fractions', () => {
    const sweep = sweepOf({
      axes: [
        { path: 'network.seed', values: [1] },
        { path: 'domain.seed', values: [2] },
        { path: 'training.learningRate', values: ['auto', 0.0002] },
      ],
    })
    expect(expandSweep(sweep, base()).points.map((point) => point.id)).toEqual([
      'scales-1248__network.seed-1__domain.seed-2__learningRate-auto',
      'scales-1248__network.seed-1__domain.seed-2__learningRate-0.0002',
    ])
  })

  it('keeps ids unique and filename-safe when values read alike or the id is long', () => {
    const sweep = sweepOf({ axes: [{ path: 'description', values: ['a b', 'a/b', 'a-b'] }] })
    const ids = expandSweep(sweep, base()).points.map((point) => point.id)
    expect(new Set(ids).size).toBe(3)
    expect(ids).toEqual(['scales-1248__description-a-b-g0', 'scales-1248__description-a-b-g1', 'scales-1248__description-a-b-g2'])

    const long = sweepOf({ axes: [{ path: 'target.expr', values: ['sin(x)+0.8*sin(4*x)+0.6*sin(9*x)+0.4*sin(16*x)+0.2*sin(25*x)', 'sin(x)+0.8*sin(4*x)+0.6*sin(9*x)+0.4*sin(16*x)+0.2*sin(26*x)'] }] })
    const longIds = expandSweep(long, base()).points.map((point) => point.id)
    expect(new Set(longIds).size).toBe(2)
    for (const id of longIds) {
      expect(id.length).toBeLessThanOrEqual(64)
      expect(id).toMatch(EXPERIMENT_ID_PATTERN)
      expect(id).toMatch(/^scales-1248__expr-sin-x-0\.8-sin-4-x-.*-[0-9a-f]{8}$/)
    }
  })

  it('reports a point that is invalid once its values are applied, with its id and field path', () => {
    const sweep = sweepOf({ axes: [{ path: 'network.width', values: [4, 3] }] })
    const { points, problems } = expandSweep(sweep, base(), '$.sweeps[0]')
    expect(points.map((point) => point.id)).toEqual(['scales-1248__width-4'])
    expect(problems.map(formatProblem)).toEqual([
      '$.sweeps[0].points[1].network.width: point "scales-1248__width-3" (network.width = 3): must be an even integer >= 2 for zero-output initialisation (got 3)',
    ])
  })

  it('moves the final snapshot with a swept training time', () => {
    const experiment = base()
    expect(experiment.training.snapshots).toContain(experiment.training.time)
    const sweep = sweepOf({ axes: [{ path: 'training.time', values: [0.5, 4] }] })
    const { points, problems } = expandSweep(sweep, experiment)
    expect(problems).toEqual([])
    expect(points.map((point) => point.experiment.training.snapshots)).toEqual([[0, 0.5], [0, 4]])
  })

  it('refuses a base other than the sweep\'s, and a grid beyond maxPoints', () => {
    const sweep = sweepOf({ axes: DESIGN_AXES })
    expect(expandSweep(sweep, defaultExperiment('other')).problems.map(formatProblem))
      .toEqual(['sweep "s".base: the base experiment given is "other", not "scales-1248"'])
    expect(expandSweep({ ...sweep, maxPoints: 39 }, base()).problems.map(formatProblem))
      .toEqual(['sweep "s": the grid would be 40 points; the limit is 39: set maxPoints to confirm'])
  })
})

describe('expandSweep, random mode', () => {
  const axes = [{ path: 'network.width', values: { from: 1, to: 20 } }, { path: 'network.seed', values: { from: 0, to: 9 } }]
  const randomSweep = (count: number, seed: number): SweepSpec => sweepOf({ mode: 'random', count, seed, axes: axes.map((axis) => ({ ...axis, path: axis.path })) })

  it('draws count distinct grid points, in grid order, reproducibly', () => {
    // init "random" so that odd widths are valid points too.
    const experiment = { ...base(), network: { ...base().network, init: 'random' as const } }
    const first = expandSweep(randomSweep(15, 7), experiment)
    expect(first.problems).toEqual([])
    expect(first.points).toHaveLength(15)
    const ids = first.points.map((point) => point.id)
    expect(new Set(ids).size).toBe(15)
    expect(first.points.map((point) => point.index)).toEqual(Array.from({ length: 15 }, (_, index) => index))
    // Grid order: width (outer) then seed (inner), strictly increasing grid index.
    const gridIndex = first.points.map((point) => ((point.params['network.width'] as number) - 1) * 10 + (point.params['network.seed'] as number))
    expect(gridIndex).toEqual([...gridIndex].sort((a, b) => a - b))
    expect(new Set(gridIndex).size).toBe(15)
    // The same definition draws the same points; another seed draws another set.
    expect(expandSweep(randomSweep(15, 7), experiment).points.map((point) => point.id)).toEqual(ids)
    expect(expandSweep(randomSweep(15, 8), experiment).points.map((point) => point.id)).not.toEqual(ids)
  })

  it('draws the whole grid when count equals its size', () => {
    const experiment = { ...base(), network: { ...base().network, init: 'random' as const } }
    const { points } = expandSweep(randomSweep(200, 1), experiment)
    const grid = expandSweep(sweepOf({ axes }), experiment).points
    expect(points.map((point) => point.id)).toEqual(grid.map((point) => point.id))
  })

  it('refuses a count beyond the grid', () => {
    const sweep = { ...randomSweep(10, 0), count: 201 }
    expect(expandSweep(sweep, base()).problems.map(formatProblem)[0]).toMatch(/^sweep "s"\.count: must be an integer from 1 to 200 \(the grid has 200 points/)
  })
})

describe('sampleGridIndices', () => {
  it('gives distinct sorted indices in range, reproducibly, and roughly uniform', () => {
    const drawn = sampleGridIndices(1e12, 1000, 5)
    expect(new Set(drawn).size).toBe(1000)
    expect(drawn).toEqual([...drawn].sort((a, b) => a - b))
    expect(drawn.every((index) => Number.isInteger(index) && index >= 0 && index < 1e12)).toBe(true)
    expect(sampleGridIndices(1e12, 1000, 5)).toEqual(drawn)

    // Each of 10 indices is drawn with probability 3/10 per trial; over 2000 trials the count of
    // each is Binomial(2000, 0.3): mean 600, sd 20.5; 5 sd (about 100) bounds it with ample margin.
    const counts = new Array<number>(10).fill(0)
    for (let seed = 0; seed < 2000; seed++) for (const index of sampleGridIndices(10, 3, seed)) counts[index]++
    for (const count of counts) expect(Math.abs(count - 600)).toBeLessThan(103)
  })

  it('refuses more indices than there are', () => {
    expect(() => sampleGridIndices(5, 6, 0)).toThrow(RangeError)
  })
})

describe('gridCoordinates', () => {
  it('inverts the mixed-radix grid index, last axis fastest', () => {
    const axes = [{ path: 'a', values: [0, 1, 2] }, { path: 'b', values: [0, 1] }, { path: 'c', values: [0, 1, 2, 3] }]
    expect(gridCoordinates(axes, 0)).toEqual([0, 0, 0])
    expect(gridCoordinates(axes, 3)).toEqual([0, 0, 3])
    expect(gridCoordinates(axes, 4)).toEqual([0, 1, 0])
    expect(gridCoordinates(axes, 23)).toEqual([2, 1, 3])
  })
})
