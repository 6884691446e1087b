import { describe, expect, it } from 'vitest'
import { PROJECT_FORMAT, PROJECT_VERSION } from '../../../src/shared/project/experimentTypes'
import { defaultExperiment, formatProblem, parseProject } from '../../../src/shared/project/projectSchema'
import { DEFAULT_MAX_POINTS, experimentFieldAt, validateSweep } from '../../../src/shared/sweep/sweepSchema'

const IDS = ['scales-1248', 'other']

/** The sweep of the design note, verbatim (random-mode fields left out). */
function designSweep(): Record<string, unknown> {
  return {
    id: 'scales-width',
    base: 'scales-1248',
    mode: 'grid',
    axes: [
      { path: 'network.scales', values: [[1], [1, 2], [1, 2, 4], [1, 2, 4, 8]] },
      { path: 'network.width', values: [1000, 4000] },
      { path: 'network.seed', values: { from: 0, to: 4 } },
    ],
  }
}

function problemsOf(raw: unknown, ids = IDS): string[] {
  const result = validateSweep(raw, '$.sweeps[0]', ids)
  expect(result.sweep).toBeUndefined()
  expect(result.problems.length).toBeGreaterThan(0)
  return result.problems.map(formatProblem)
}

describe('validateSweep', () => {
  it('accepts the design example, expands the range and fills seed and maxPoints', () => {
    const result = validateSweep(designSweep(), '$.sweeps[0]', IDS)
    expect(result.problems).toEqual([])
    expect(result.warnings).toEqual([])
    expect(result.sweep).toEqual({
      id: 'scales-width', base: 'scales-1248', mode: 'grid', seed: 0, maxPoints: DEFAULT_MAX_POINTS,
      axes: [
        { path: 'network.scales', values: [[1], [1, 2], [1, 2, 4], [1, 2, 4, 8]] },
        { path: 'network.width', values: [1000, 4000] },
        { path: 'network.seed', values: [0, 1, 2, 3, 4] },
      ],
    })
  })

  it('accepts a random sweep with count and seed', () => {
    const raw = { ...designSweep(), mode: 'random', count: 7, seed: 42 }
    const result = validateSweep(raw, '$.sweeps[0]', IDS)
    expect(result.problems).toEqual([])
    expect(result.sweep).toMatchObject({ mode: 'random', count: 7, seed: 42 })
  })

  it('refuses an unknown path and suggests the field meant', () => {
    const raw = designSweep()
    ;(raw.axes as Record<string, unknown>[])[1].path = 'network.widht'
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^\$\.sweeps\[0\]\.axes\[1\]\.path: "network\.widht" is not a field of an experiment; did you mean "network\.width"\?/),
    ])
  })

  it('suggests the full path when only the last name is given', () => {
    const raw = { ...designSweep(), axes: [{ path: 'learningRate', values: [0.1] }] }
    expect(problemsOf(raw)[0]).toMatch(/^\$\.sweeps\[0\]\.axes\[0\]\.path: .*did you mean "training\.learningRate"\?/)
  })

  it('refuses sweeping the id', () => {
    const raw = { ...designSweep(), axes: [{ path: 'id', values: ['a', 'b'] }] }
    expect(problemsOf(raw)[0]).toMatch(/^\$\.sweeps\[0\]\.axes\[0\]\.path: "id" cannot be swept/)
  })

  it('refuses values of the wrong type at their own path', () => {
    const raw = designSweep()
    const axes = raw.axes as Record<string, unknown>[]
    axes[1].values = [1000, 'abc']
    axes[0].values = [[1, 2], [0]]
    expect(problemsOf(raw)).toEqual([
      '$.sweeps[0].axes[0].values[1][0]: must be a number > 0 (got 0)',
      '$.sweeps[0].axes[1].values[1]: must be an integer >= 1 (got "abc")',
    ])
  })

  it('refuses a range giving values the field does not accept, once for the whole range', () => {
    const raw = { ...designSweep(), axes: [{ path: 'network.width', values: { from: 0, to: 3 } }] }
    expect(problemsOf(raw)).toEqual([
      '$.sweeps[0].axes[0].values: the range {from: 0, to: 3} gives 0, which is refused: must be an integer >= 1 (got 0)',
    ])
  })

  it('refuses malformed and empty ranges', () => {
    const axis = (values: unknown): Record<string, unknown> => ({ ...designSweep(), axes: [{ path: 'network.seed', values }] })
    expect(problemsOf(axis({ from: 0.5, to: 3 }))).toEqual(['$.sweeps[0].axes[0].values.from: must be an integer (got 0.5)'])
    expect(problemsOf(axis({ from: 4, to: 3 }))[0]).toMatch(/values: empty range: to \(3\) is below from \(4\)/)
    expect(problemsOf(axis({ from: 0, to: 3, step: 2 }))[0]).toMatch(/a range has only the fields from and to \(got also step\)/)
  })

  it('refuses an empty axis, an empty axes list, and repeated values', () => {
    const withAxes = (axes: unknown): Record<string, unknown> => ({ ...designSweep(), axes })
    expect(problemsOf(withAxes([{ path: 'network.width', values: [] }]))[0])
      .toMatch(/^\$\.sweeps\[0\]\.axes\[0\]\.values: empty: an axis needs at least one value, else the grid has no points/)
    expect(problemsOf(withAxes([]))[0]).toMatch(/^\$\.sweeps\[0\]\.axes: must be a non-empty list of axes .*got an empty list: the grid would have no points/)
    expect(problemsOf(withAxes([{ path: 'network.width', values: [10, 20, 10] }])))
      .toEqual(['$.sweeps[0].axes[0].values[2]: 10 appears twice (also at [0]); list each value once'])
  })

  it('refuses two axes setting the same field, or a field and an object holding it', () => {
    const same = { ...designSweep(), axes: [{ path: 'network.width', values: [10] }, { path: 'network.width', values: [20] }] }
    expect(problemsOf(same)[0]).toMatch(/^\$\.sweeps\[0\]\.axes\[1\]\.path: "network\.width" overlaps "network\.width" of \$\.sweeps\[0\]\.axes\[0\]/)
    const nested = { ...designSweep(), axes: [{ path: 'target', values: [{ expr: 'x' }] }, { path: 'target.expr', values: ['sin(x)'] }] }
    expect(problemsOf(nested)[0]).toMatch(/axes\[1\]\.path: "target\.expr" overlaps "target"/)
  })

  it('refuses a grid beyond maxPoints, and accepts it once maxPoints confirms it', () => {
    const raw = { ...designSweep(), axes: [{ path: 'network.width', values: [10, 20, 30, 40, 50] }, { path: 'network.seed', values: { from: 0, to: 999 } }] }
    expect(problemsOf(raw)).toEqual([
      '$.sweeps[0]: the grid would be 5000 points (5 x 1000); the limit is 1000: set maxPoints to confirm (e.g. "maxPoints": 5000)',
    ])
    const confirmed = validateSweep({ ...raw, maxPoints: 5000 }, '$.sweeps[0]', IDS)
    expect(confirmed.problems).toEqual([])
    expect(confirmed.sweep?.maxPoints).toBe(5000)
  })

  it('refuses a base that is not an experiment of the project, with a hint', () => {
    expect(problemsOf({ ...designSweep(), base: 'scales-1284' })).toEqual([
      '$.sweeps[0].base: "scales-1284" is not an experiment of this project; the base must be the id of one (one of "scales-1248", "other"); did you mean "scales-1248"?',
    ])
    expect(problemsOf(designSweep(), [])[0]).toMatch(/base: "scales-1248" is not an experiment of this project.*none: add an experiment first/)
  })

  it('checks the random-mode fields', () => {
    expect(problemsOf({ ...designSweep(), mode: 'random' })).toEqual([
      '$.sweeps[0].count: missing; random mode draws count points from the grid: give an integer >= 1',
    ])
    expect(problemsOf({ ...designSweep(), count: 3 })[0]).toMatch(/^\$\.sweeps\[0\]\.count: count is used only in mode "random"/)
    // The design grid has 4 x 2 x 5 = 40 points.
    expect(problemsOf({ ...designSweep(), mode: 'random', count: 41 })).toEqual([
      '$.sweeps[0].count: the grid has only 40 points (4 x 2 x 5), so 41 distinct points cannot be drawn; give a count <= 40',
    ])
    expect(problemsOf({ ...designSweep(), mode: 'random', count: 30, maxPoints: 20 })[0])
      .toMatch(/count: would be 30 points; the limit is 20: set maxPoints to confirm/)
    expect(problemsOf({ ...designSweep(), mode: 'random', count: 2, seed: -1 })[0]).toMatch(/^\$\.sweeps\[0\]\.seed: must be an integer >= 0/)
  })

  it('refuses missing fields, bad ids and bad modes with what would be accepted', () => {
    expect(problemsOf({ mode: 'grid' })).toEqual([
      expect.stringMatching(/^\$\.sweeps\[0\]\.id: missing; expected a filename-safe id/),
      expect.stringMatching(/^\$\.sweeps\[0\]\.base: missing; expected a string/),
      expect.stringMatching(/^\$\.sweeps\[0\]\.axes: missing; expected a non-empty list of axes/),
    ])
    expect(problemsOf({ ...designSweep(), id: '../x' })[0]).toMatch(/^\$\.sweeps\[0\]\.id: must be a filename-safe id/)
    expect(problemsOf({ ...designSweep(), mode: 'lattice' })).toEqual(['$.sweeps[0].mode: must be "grid" or "random" (got "lattice")'])
    expect(problemsOf([])).toEqual(['$.sweeps[0]: must be an object with fields id, base, mode and axes (got a list)'])
  })

  it('keeps unknown fields as warnings, with hints', () => {
    const raw = { ...designSweep(), maxPionts: 5, note: 'x', axes: [{ path: 'network.width', values: [10], lable: 'w' }] }
    const result = validateSweep(raw, '$.sweeps[0]', IDS)
    expect(result.problems).toEqual([])
    expect(result.sweep).toBeDefined()
    // In the order of the keys: axes (overridden above) comes before maxPionts and note.
    expect(result.warnings.map(formatProblem)).toEqual([
      expect.stringMatching(/^\$\.sweeps\[0\]\.axes\[0\]\.lable: unknown field, kept as it is/),
      expect.stringMatching(/^\$\.sweeps\[0\]\.maxPionts: unknown field, kept as it is .*did you mean "maxPoints"\?/),
      expect.stringMatching(/^\$\.sweeps\[0\]\.note: unknown field, kept as it is/),
    ])
  })

  it('finds experiment fields by path', () => {
    expect(experimentFieldAt('network.width')?.kind).toBe('number')
    expect(experimentFieldAt('network')?.kind).toBe('object')
    expect(experimentFieldAt('network.width.x')).toBeUndefined()
    expect(experimentFieldAt('constructor')).toBeUndefined()
  })
})

describe('parseProject with sweeps', () => {
  function projectWith(sweeps: unknown): Record<string, unknown> {
    return { format: PROJECT_FORMAT, version: PROJECT_VERSION, name: 'p', experiments: [defaultExperiment('scales-1248')], sweeps }
  }

  it('keeps the sweeps exactly as given, through a JSON round trip', () => {
    const sweeps = [designSweep(), { ...designSweep(), id: 'random-20', mode: 'random', count: 20, seed: 3, extra: { kept: true } }]
    const first = parseProject(projectWith(sweeps))
    expect(first.ok).toBe(true)
    if (!first.ok) return
    expect(first.project.sweeps).toEqual(sweeps)
    expect(first.warnings.map(formatProblem)).toEqual([expect.stringMatching(/^\$\.sweeps\[1\]\.extra: unknown field, kept as it is/)])
    const second = parseProject(JSON.parse(JSON.stringify(first.project)))
    expect(second.ok).toBe(true)
    if (second.ok) expect(second.project).toEqual(first.project)
  })

  it('leaves sweeps absent when the file has none', () => {
    const raw = projectWith(undefined)
    delete raw.sweeps
    const result = parseProject(raw)
    expect(result.ok).toBe(true)
    if (result.ok) expect(Object.hasOwn(result.project, 'sweeps')).toBe(false)
  })

  it('refuses invalid sweeps with their JSON paths, and duplicate sweep ids', () => {
    const bad = designSweep()
    ;(bad.axes as Record<string, unknown>[])[1].path = 'network.widht'
    const result = parseProject(projectWith([designSweep(), bad]))
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^\$\.sweeps\[1\]\.axes\[1\]\.path: "network\.widht" is not a field of an experiment; did you mean "network\.width"\?/),
      '$.sweeps[1].id: duplicate sweep id "scales-width" (also used by $.sweeps[0]); sweep ids must be unique',
    ])
    const notList = parseProject(projectWith({}))
    expect(notList.ok).toBe(false)
    if (!notList.ok) expect(notList.problems.map(formatProblem)).toEqual(['$.sweeps: must be a list of sweeps (it may be empty: []) (got an object)'])
  })

  it('checks the base against the experiments of the file, wherever "sweeps" comes in it', () => {
    const raw = { format: PROJECT_FORMAT, version: PROJECT_VERSION, sweeps: [{ ...designSweep(), base: 'missing' }], name: 'p', experiments: [defaultExperiment('scales-1248')] }
    const result = parseProject(raw)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problems.map(formatProblem)[0]).toMatch(/^\$\.sweeps\[0\]\.base: "missing" is not an experiment of this project/)
  })
})
