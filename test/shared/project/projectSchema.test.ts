import { describe, expect, it } from 'vitest'
import { PROJECT_FORMAT, PROJECT_VERSION } from '../../../src/shared/project/experimentTypes'
import {
  defaultExperiment,
  describeField,
  EXPERIMENT_SCHEMA,
  formatProblem,
  MIGRATIONS,
  parseProject,
  validateExperiment,
} from '../../../src/shared/project/projectSchema'
import type { ProjectProblem } from '../../../src/shared/project/projectSchema'

/** The example of the issue, verbatim. */
const ISSUE_EXAMPLE_TEXT = `{ "format": "mscale-workbench/project", "version": 1, "name": "...",
      "experiments": [ { "id": "scales-1248",
        "target":   { "expr": "(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x))" },
        "domain":   { "dim": 1, "halfWidth": 4, "samples": 801, "sampling": "grid" },
        "network":  { "scales": [1,2,4,8], "width": 4000, "activation": "sin", "bias": false,
                      "amplitude": "scale", "trained": ["a","w"], "init": "zero-output",
                      "sigmaA": 1, "sigmaW": 1, "sigmaB": 1, "seed": 0 },
        "training": { "learningRate": 0.0002, "time": 2, "snapshots": [0, 0.5, 1, 2], "backend": "auto" },
        "analysis": { "xiMax": 4, "xiPoints": 801, "band": 2.5, "models": ["diffusion", "ntk"] } } ] }`

function issueExample(): Record<string, unknown> & { experiments: Record<string, unknown>[] } {
  return JSON.parse(ISSUE_EXAMPLE_TEXT)
}

/** A minimal experiment: only the required fields. */
function minimalExperiment(id: string): Record<string, unknown> {
  return {
    id,
    target: { expr: 'sin(x)' },
    domain: { dim: 1, halfWidth: 4, samples: 101 },
    network: { scales: [1, 2], width: 100 },
    training: { learningRate: 'auto', time: 1 },
  }
}

function project(experiments: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: PROJECT_FORMAT, version: PROJECT_VERSION, name: 'test', experiments, ...extra }
}

function problemsOf(raw: unknown): string[] {
  const result = parseProject(raw)
  if (result.ok) throw new Error('expected the project to be refused')
  return result.problems.map(formatProblem)
}

describe('parseProject', () => {
  it("accepts the issue's example unchanged, with no warnings", () => {
    const result = parseProject(issueExample())
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.warnings).toEqual([])
    // Every field it gives is kept as given; only domain.seed and analysis.timeGrid (omitted there) are added.
    const expected = issueExample()
    ;(expected.experiments[0].domain as Record<string, unknown>).seed = 0
    ;(expected.experiments[0].analysis as Record<string, unknown>).timeGrid = 100
    expect(result.project).toEqual(expected)
  })

  it('fills every documented default for omitted optional fields', () => {
    const result = parseProject(project([minimalExperiment('a')]))
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
    const [experiment] = result.project.experiments
    expect(experiment.domain).toEqual({ dim: 1, halfWidth: 4, samples: 101, sampling: 'grid', seed: 0 })
    expect(experiment.network).toEqual({
      scales: [1, 2], width: 100, activation: 'sin', bias: false, amplitude: 'scale', trained: ['a', 'w'],
      init: 'zero-output', sigmaA: 1, sigmaW: 1, sigmaB: 1, seed: 0,
    })
    expect(experiment.training).toEqual({ learningRate: 'auto', time: 1, snapshots: [0, 1], backend: 'auto' })
    expect(experiment.analysis).toEqual({ xiMax: 4, xiPoints: 401, band: 2.5, models: ['diffusion', 'ntk'], timeGrid: 100 })
  })

  it('sorts and de-duplicates snapshots and adds 0 and the final time', () => {
    const experiment = minimalExperiment('a')
    experiment.training = { learningRate: 0.01, time: 3, snapshots: [2, 0.5, 2, 1] }
    const result = parseProject(project([experiment]))
    if (!result.ok) throw new Error('refused')
    expect(result.project.experiments[0].training.snapshots).toEqual([0, 0.5, 1, 2, 3])
  })

  it('lists every problem of a file with several errors, each with its JSON path', () => {
    const broken = issueExample()
    const first = broken.experiments[0] as Record<string, Record<string, unknown>>
    first.network.width = 3
    first.domain.samples = 2
    first.training.learningRate = -1
    broken.experiments.push(
      {
        ...minimalExperiment('bad id'),
        target: { expr: 'sin(x', csv: 'g.csv' },
        network: { scales: [1, -2], width: 10, trained: ['a', 'b', 'a', 'q'] },
        analysis: { xiMax: 2, band: 3, models: ['ntk', 'fourier'] },
      },
      { ...minimalExperiment('scales-1248'), domain: { dim: 3, halfWidth: 0, samples: 11, sampling: 'sobol' } },
      { ...minimalExperiment('c'), network: { scales: [1], width: 3, bias: true, trained: ['a', 'b'] }, training: { learningRate: 'auto', time: 1, snapshots: [0, 1.5] } },
      { ...minimalExperiment('d'), target: { expr: 'sin(x) + y' }, training: undefined, analysis: [] },
    )
    expect(problemsOf(broken)).toEqual([
      '$.experiments[0].domain.samples: must be an integer >= 3 (got 2)',
      '$.experiments[0].training.learningRate: must be a number > 0 or "auto" (got -1)',
      '$.experiments[0].network.width: must be an even integer >= 2 for zero-output initialisation (got 3)',
      expect.stringMatching(/^\$\.experiments\[1\]\.id: must be a filename-safe id: .* \(got "bad id"\)$/),
      '$.experiments[1].network.scales[1]: must be a number > 0 (got -2)',
      '$.experiments[1].network.trained[2]: "a" appears twice (also at [0]); list each value once',
      '$.experiments[1].network.trained[3]: must be one of "a", "w", "b" (got "q")',
      '$.experiments[1].analysis.models[1]: must be "diffusion" or "ntk" (got "fourier")',
      '$.experiments[1].target: give either expr or csv, not both',
      "$.experiments[1].target.expr: ')' expected at character 6 (the end)",
      '$.experiments[1].analysis.band: must be a number > 0 and <= xiMax = 2 (got 3)',
      '$.experiments[2].domain.dim: must be 1 or 2 (got 3)',
      '$.experiments[2].domain.halfWidth: must be a number > 0 (got 0)',
      '$.experiments[2].domain.sampling: must be "grid" or "random" (got "sobol")',
      '$.experiments[2].id: duplicate id "scales-1248" (also used by $.experiments[0]); ids must be unique',
      '$.experiments[3].network.width: must be an even integer >= 2 for zero-output initialisation (got 3)',
      '$.experiments[3].training.snapshots: every snapshot must lie in [0, time] = [0, 1] (got 1.5 at [1])',
      '$.experiments[4].analysis: must be an object with fields xiMax, xiPoints, band, models, timeGrid (got a list)',
      '$.experiments[4].training: missing; expected an object with fields learningRate, time, snapshots, backend (required: learningRate, time)',
      expect.stringMatching(/^\$\.experiments\[4\]\.target\.expr: 'y' at character 10 is not a variable of a 1-D target/),
    ])
  })

  it("refuses to train 'b' without biases, and an experiment with neither expr nor csv", () => {
    const noBias = { ...minimalExperiment('a'), network: { scales: [1], width: 2, trained: ['b'] }, target: {} }
    expect(problemsOf(project([noBias]))).toEqual([
      '$.experiments[0].target: missing: give expr (a formula such as "sin(x)") or csv (a file of samples relative to the project folder)',
      expect.stringMatching(/^\$\.experiments\[0\]\.network\.trained: "b" \(the biases\) can be trained only when network\.bias is true/),
    ])
  })

  it('checks every rule of the table on a single field', () => {
    const cases: [string, (e: Record<string, Record<string, unknown>>) => void, RegExp][] = [
      ['width 0', (e) => { e.network.width = 0 }, /network\.width: must be an integer >= 1 \(got 0\)/],
      ['odd width, random init', (e) => { e.network.width = 3; e.network.init = 'random' }, /^$/],
      ['empty scales', (e) => { e.network.scales = [] }, /network\.scales: must be a non-empty list of numbers, each number > 0 \(got an empty list\)/],
      ['empty trained', (e) => { e.network.trained = [] }, /network\.trained: must be a non-empty list of distinct values from "a", "w", "b"/],
      ['sigma 0', (e) => { e.network.sigmaW = 0 }, /network\.sigmaW: must be a number > 0 \(got 0\)/],
      ['time 0', (e) => { e.training.time = 0 }, /training\.time: must be a number > 0 \(got 0\)/],
      ['negative snapshot', (e) => { e.training.snapshots = [-0.5] }, /training\.snapshots\[0\]: must be a number >= 0 \(got -0\.5\)/],
      ['backend', (e) => { e.training.backend = 'cuda' }, /training\.backend: must be one of "auto", "tfjs-node-gpu", "tfjs-node", "js-f64", "wasm", "cpu" \(got "cuda"\)/],
      ['xiMax', (e) => { e.analysis = { xiMax: -1 } }, /analysis\.xiMax: must be a number > 0 \(got -1\)/],
      ['xiPoints', (e) => { e.analysis = { xiPoints: 2 } }, /analysis\.xiPoints: must be an integer >= 3 \(got 2\)/],
      ['band 0', (e) => { e.analysis = { band: 0 } }, /analysis\.band: must be a number > 0 \(got 0\)/],
      ['empty models are allowed', (e) => { e.analysis = { models: [] } }, /^$/],
      ['seed', (e) => { e.network.seed = 1.5 }, /network\.seed: must be an integer >= 0 and <= 4294967295 \(got 1\.5\)/],
      ['bias', (e) => { e.network.bias = 'yes' }, /network\.bias: must be true or false \(got "yes"\)/],
      ['csv path', (e) => { e.target = { csv: '/etc/passwd' } }, /target\.csv: must be a path relative to the project folder/],
      ['activation', (e) => { e.network.activation = 'gelu' }, /network\.activation: must be one of "sin", "tanh", "relu" \(got "gelu"\)/],
      ['2-D expression', (e) => { e.domain.dim = 2; e.target = { expr: 'sin(x)*cos(y)' } }, /^$/],
      ['unknown function', (e) => { e.target = { expr: 'foo(x)' } }, /target\.expr: unknown function 'foo' at character 1/],
      ['reserved id', (e) => { (e as Record<string, unknown>).id = 'con' }, /\.id: must be a filename-safe id/],
    ]
    for (const [name, change, expected] of cases) {
      const experiment = minimalExperiment('a') as Record<string, Record<string, unknown>>
      change(experiment)
      const result = validateExperiment(experiment, '$.experiments[0]')
      expect(result.problems.map(formatProblem).join('\n'), name).toMatch(expected)
      expect(result.experiment === undefined, name).toBe(result.problems.length > 0)
    }
  })

  it('refuses a newer version with a clear message and checks nothing else', () => {
    const newer = { ...issueExample(), version: 2, experiments: 'whatever a newer version holds' }
    expect(problemsOf(newer)).toEqual([
      '$.version: version 2 was written by a newer workbench; this one reads version 1. Update the workbench to open this project.',
    ])
  })

  it('reports a missing format and version with their paths, alongside the other problems', () => {
    const { format: _format, version: _version, ...rest } = issueExample()
    expect(problemsOf({ ...rest, name: 7 })).toEqual([
      '$.format: missing; a project file starts with "format": "mscale-workbench/project"',
      '$.version: missing; this workbench reads "version": 1',
      '$.name: must be a string (got 7)',
    ])
    expect(problemsOf({ ...issueExample(), version: '1' })).toEqual([
      '$.version: must be an integer >= 1 (this workbench reads version 1) (got "1")',
    ])
  })

  it('refuses files of another format without reporting their fields', () => {
    expect(problemsOf({ format: 'something-else', version: 9, experiments: 3 })).toEqual([
      '$.format: this is not a workbench project: format must be "mscale-workbench/project" (got "something-else")',
    ])
    expect(problemsOf([1, 2])).toEqual(['$: must be an object with format, version, name and experiments (got a list)'])
    expect(problemsOf({ format: PROJECT_FORMAT, version: 1 })).toEqual([
      '$.experiments: missing; expected a list of experiments (it may be empty: [])',
    ])
  })

  it('keeps unknown fields verbatim at every level and reports them as warnings in file order', () => {
    const raw = issueExample()
    raw.figureSettings = { dpi: 300, fonts: ['Inter', { size: 9 }] }
    raw.experiments[0].notes = 'kept'
    ;(raw.experiments[0].network as Record<string, unknown>).widht = 12
    ;(raw.experiments[0].analysis as Record<string, unknown>)['odd key'] = [null, true, 1e300]
    const result = parseProject(raw)
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'))
    expect(result.project.figureSettings).toEqual(raw.figureSettings)
    expect(result.project.experiments[0].notes).toBe('kept')
    expect((result.project.experiments[0].network as unknown as Record<string, unknown>).widht).toBe(12)
    expect((result.project.experiments[0].analysis as unknown as Record<string, unknown>)['odd key']).toEqual([null, true, 1e300])
    expect(result.warnings.map(formatProblem)).toEqual([
      '$.experiments[0].network.widht: unknown field, kept as it is (this version of the workbench does not use it); did you mean "width"?',
      '$.experiments[0].analysis["odd key"]: unknown field, kept as it is (this version of the workbench does not use it)',
      '$.experiments[0].notes: unknown field, kept as it is (this version of the workbench does not use it)',
      '$.figureSettings: unknown field, kept as it is (this version of the workbench does not use it)',
    ])
    // Key order is the file's, so a save changes nothing a person wrote.
    expect(Object.keys(result.project)).toEqual(['format', 'version', 'name', 'experiments', 'figureSettings'])
  })

  it('keeps an unknown field named "__proto__" as a field, not a prototype', () => {
    const raw = JSON.parse(`{"format": "mscale-workbench/project", "version": 1, "experiments": [], "__proto__": {"polluted": true}}`)
    const result = parseProject(raw)
    if (!result.ok) throw new Error('refused')
    expect(JSON.parse(JSON.stringify(result.project)).__proto__).toEqual({ polluted: true })
    expect((result.project as Record<string, unknown>).polluted).toBeUndefined()
    expect(result.warnings.map((warning) => warning.path)).toEqual(['$.__proto__'])
  })

  it('has a migration table from version n to n + 1 covering every version below the current one', () => {
    for (let version = 1; version < PROJECT_VERSION; version++) expect(MIGRATIONS[version], `migration ${version}`).toBeTypeOf('function')
    expect(MIGRATIONS[PROJECT_VERSION]).toBeUndefined()
  })

  it('does not change its input', () => {
    const raw = issueExample()
    const copy = structuredClone(raw)
    parseProject(raw)
    expect(raw).toEqual(copy)
  })
})

describe('defaultExperiment', () => {
  it('is a complete experiment that validates unchanged', () => {
    const experiment = defaultExperiment('starter')
    const result = validateExperiment(structuredClone(experiment), '$.experiments[0]')
    expect(result.problems).toEqual([])
    expect(result.warnings).toEqual([])
    expect(result.experiment).toEqual(experiment)
    expect(experiment.id).toBe('starter')
    expect(experiment.training.snapshots).toEqual([0, experiment.training.time])
  })
})

describe('describeField', () => {
  it('derives readable descriptions from the table', () => {
    const fields = EXPERIMENT_SCHEMA.kind === 'object' ? EXPERIMENT_SCHEMA.fields : {}
    const network = fields.network.kind === 'object' ? fields.network.fields : {}
    expect(describeField(network.width)).toBe('an integer >= 1')
    expect(describeField(network.trained)).toBe('a non-empty list of distinct values from "a", "w", "b"')
    const problem: ProjectProblem = { path: '$.x', message: 'm' }
    expect(formatProblem(problem)).toBe('$.x: m')
  })
})

describe('target expression checks (remembered per text and dimension)', () => {
  const experiment = (expr: unknown, dim = 1) => ({ id: 'e', target: { expr }, domain: { dim, halfWidth: 1, samples: 11 }, training: { learningRate: 0.01, time: 1 } })
  const exprProblems = (expr: unknown, dim = 1) => validateExperiment(experiment(expr, dim), '$').problems.filter((p) => p.path === '$.target.expr')

  it('gives the same answer the second time, per dimension', () => {
    for (let round = 0; round < 2; round++) {
      expect(exprProblems('sin(y)', 1)).toHaveLength(1)
      expect(exprProblems('sin(y)', 2)).toEqual([])
      expect(exprProblems('sin(x) +', 1)[0]?.message).toMatch(/./)
    }
  })
})
