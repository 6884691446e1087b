/**
 * The project file format (project.json): one declarative table of every field (its type, the
 * values it accepts, its default and what it means), from which validation, defaults and the
 * messages are all derived, in the manner of TensorFlow Playground's state table.
 *
 *   { "format": "mscale-workbench/project", "version": 1, "name": "...", "experiments": [ ... ] }
 *
 * Loading never drops anything silently: fields this version does not know are kept verbatim
 * (in their place, so a save writes them back) and reported as warnings. Every problem is
 * reported with its JSON path ("$.experiments[2].network.width") and says what would be accepted.
 * Field meanings follow ../shared/spec/SPECTRAL_MODEL.md; the types are in experimentTypes.ts.
 */
import { validateSweep } from '../sweep/sweepSchema'
import { compileTargetExpression } from '../target/targetExpression'
import { PROJECT_FORMAT, PROJECT_VERSION, TRAINING_BACKENDS } from './experimentTypes'
import type { Experiment, Project } from './experimentTypes'

/** Expressions checked lately, by dimension and text: a sweep validates its base's target once per point. */
const checkedExpressions = new Map<string, string | undefined>()
const CHECKED_EXPRESSIONS_KEPT = 64

/** Why target.expr does not compile in `dim` variables, or undefined when it does (memoised). */
function targetExpressionProblem(expr: string, dim: 1 | 2): string | undefined {
  const key = `${dim}:${expr}`
  if (typeof expr === 'string' && checkedExpressions.has(key)) return checkedExpressions.get(key)
  const compiled = compileTargetExpression(expr, dim)
  if (typeof expr !== 'string') return compiled.ok ? undefined : compiled.message
  const problem = compiled.ok ? undefined : compiled.message
  if (checkedExpressions.size >= CHECKED_EXPRESSIONS_KEPT) checkedExpressions.delete(checkedExpressions.keys().next().value as string)
  checkedExpressions.set(key, problem)
  return problem
}

/** One problem (or warning) in a project file: where it is and what would be accepted. */
export interface ProjectProblem {
  /** JSON path, e.g. "$.experiments[2].network.width" */
  path: string
  message: string
}

/** "$.experiments[2].network.width: must be an even integer >= 2 ... (got 3)" */
export function formatProblem(problem: ProjectProblem): string {
  return `${problem.path}: ${problem.message}`
}

// ---------------------------------------------------------------------------------------------
// The table

/** Constraints on one number; all that are given must hold. */
export interface NumberRule {
  integer?: boolean
  /** value > above */
  above?: number
  /** value >= atLeast */
  atLeast?: number
  /** value <= atMost */
  atMost?: number
  /** value is one of these */
  oneOf?: readonly number[]
}

interface FieldCommon {
  /** what the field means, for people (UI tooltips, documentation) */
  doc: string
  /** value used when the field is omitted; a field with neither default nor optional is required */
  default?: unknown
  /** the field may be omitted and then stays absent */
  optional?: boolean
  /** a sensible value for a new experiment (defaultExperiment), for fields without a default */
  example?: unknown
}

export type FieldSchema = FieldCommon & (
  | { kind: 'number'; rule: NumberRule }
  | { kind: 'numberOrAuto'; rule: NumberRule }
  | { kind: 'numberList'; item: NumberRule; nonEmpty: boolean }
  | { kind: 'string'; pattern?: RegExp; patternDoc?: string }
  | { kind: 'boolean' }
  | { kind: 'choice'; values: readonly string[] }
  | { kind: 'choices'; values: readonly string[]; nonEmpty: boolean }
  | { kind: 'object'; fields: Readonly<Record<string, FieldSchema>> }
)

/**
 * Experiment ids name run folders (runs/<id>-<time>-<suffix>), so they are filename-safe on every
 * system: 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit, not ending
 * with ".", and not a name Windows reserves (con, prn, aux, nul, com1-9, lpt1-9).
 */
export const EXPERIMENT_ID_PATTERN = /^(?!(?:con|prn|aux|nul|com[1-9]|lpt[1-9])(?:\.|$))[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?<!\.)$/i
const EXPERIMENT_ID_DOC = 'a filename-safe id: 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit ' +
  '(not ending with "." and not a reserved name such as "con")'

const SEED_RULE: NumberRule = { integer: true, atLeast: 0, atMost: 4294967295 }

/** Every field of one experiment. */
export const EXPERIMENT_SCHEMA: FieldSchema = {
  kind: 'object',
  doc: 'One experiment: a target, a domain, a network, its training and the spectral analysis.',
  fields: {
    id: { kind: 'string', pattern: EXPERIMENT_ID_PATTERN, patternDoc: EXPERIMENT_ID_DOC, example: 'experiment-1', doc: 'Unique id of the experiment; names its run folders.' },
    name: { kind: 'string', optional: true, doc: 'A readable title.' },
    description: { kind: 'string', optional: true, doc: 'Free text: what the experiment shows.' },
    target: {
      kind: 'object',
      doc: 'The target function g: exactly one of expr and csv.',
      fields: {
        expr: {
          kind: 'string', optional: true, example: '(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x)+0.6*sin(9*x))',
          doc: 'A formula in x (1-D) or x and y (2-D), parsed by mathjs: numbers, + - * / ^, pi, e and standard functions.',
        },
        csv: {
          kind: 'string', optional: true, pattern: /^(?![/\\])(?![A-Za-z]:)[^\0]*\S[^\0]*$/,
          patternDoc: 'a path relative to the project folder, e.g. "data/target.csv"',
          doc: 'A CSV file of samples (columns x,g in 1-D; x,y,g on a grid in 2-D), interpolated linearly.',
        },
      },
    },
    domain: {
      kind: 'object',
      doc: 'The training domain Omega = [-L, L]^d and its samples (spec section 2).',
      fields: {
        dim: { kind: 'number', rule: { oneOf: [1, 2] }, example: 1, doc: 'Input dimension d.' },
        halfWidth: { kind: 'number', rule: { above: 0 }, example: 4, doc: 'L: the domain is [-L, L]^d.' },
        samples: { kind: 'number', rule: { integer: true, atLeast: 3 }, example: 801, doc: 'Number of samples N (per axis for a 2-D grid).' },
        sampling: { kind: 'choice', values: ['grid', 'random'], default: 'grid', doc: '"grid": uniform grid with trapezoid weights; "random": uniform draws with weights |Omega|/N.' },
        seed: { kind: 'number', rule: SEED_RULE, default: 0, doc: 'Seed of the random samples (sampling "random").' },
      },
    },
    network: {
      kind: 'object',
      doc: 'The two-layer MscaleDNN (spec section 1).',
      fields: {
        scales: { kind: 'numberList', item: { above: 0 }, nonEmpty: true, example: [1, 2, 4, 8], doc: 'Scales alpha_1..alpha_S; neuron k belongs to group k mod S.' },
        width: { kind: 'number', rule: { integer: true, atLeast: 1 }, example: 4000, doc: 'Width m (number of neurons); even for zero-output initialisation.' },
        activation: { kind: 'choice', values: ['sin', 'tanh', 'relu'], default: 'sin', doc: 'Activation sigma; the spectral models describe sin.' },
        bias: { kind: 'boolean', default: false, doc: 'Whether neurons have a bias b_k (false: b_k = 0, not trained).' },
        amplitude: { kind: 'choice', values: ['none', 'scale'], default: 'scale', doc: 'Output amplitude c_j of group j: 1 ("none") or alpha_j^d ("scale").' },
        trained: { kind: 'choices', values: ['a', 'w', 'b'], nonEmpty: true, default: ['a', 'w'], doc: 'Trained parameters: output weights a, input weights w, biases b.' },
        init: { kind: 'choice', values: ['zero-output', 'random'], default: 'zero-output', doc: '"zero-output": paired neurons of opposite sign make f = 0 at t = 0; "random": plain Gaussian draw.' },
        sigmaA: { kind: 'number', rule: { above: 0 }, default: 1, doc: 'Standard deviation of the initial a_k.' },
        sigmaW: { kind: 'number', rule: { above: 0 }, default: 1, doc: 'Standard deviation of the initial w_k.' },
        sigmaB: { kind: 'number', rule: { above: 0 }, default: 1, doc: 'Standard deviation of the initial b_k.' },
        seed: { kind: 'number', rule: SEED_RULE, default: 0, doc: 'Seed of the initial parameters.' },
      },
    },
    training: {
      kind: 'object',
      doc: 'Gradient descent on Loss = 1/2 sum_i q_i u(x_i)^2 (spec section 2).',
      fields: {
        learningRate: { kind: 'numberOrAuto', rule: { above: 0 }, example: 'auto', doc: 'eta; "auto" = 0.5 / lambda_max of K Q (spec section 3).' },
        time: { kind: 'number', rule: { above: 0 }, example: 2, doc: 'Final model time t = steps x eta.' },
        snapshots: {
          kind: 'numberList', item: { atLeast: 0 }, nonEmpty: false, default: [],
          doc: 'Model times at which spectra and outputs are recorded, within [0, time]; 0 and time are always added (default [0, time]).',
        },
        backend: { kind: 'choice', values: ['auto', ...TRAINING_BACKENDS], default: 'auto', doc: 'Training backend; "auto" picks the fastest available.' },
      },
    },
    analysis: {
      kind: 'object',
      doc: 'The frequency grid and the spectral models compared with training (spec sections 4-6).',
      fields: {
        xiMax: { kind: 'number', rule: { above: 0 }, default: 4, doc: 'Frequency grid [0, xiMax], cycles per unit length.' },
        xiPoints: { kind: 'number', rule: { integer: true, atLeast: 3 }, default: 401, doc: 'Points of the frequency grid.' },
        band: { kind: 'number', rule: { above: 0 }, default: 2.5, doc: 'rel(t) and error norms are measured on [0, band]; band <= xiMax.' },
        models: { kind: 'choices', values: ['diffusion', 'ntk'], nonEmpty: false, default: ['diffusion', 'ntk'], doc: 'Spectral models to solve: the diffusion model and the NTK prediction.' },
        timeGrid: { kind: 'number', rule: { integer: true, atLeast: 0 }, default: 100, doc: 'Evenly spaced snapshot times added to training.snapshots for the heatmaps and decay curves (0: none).' },
      },
    },
  },
}

/** The fields of the project file after its header (format and version, checked first). */
export const PROJECT_SCHEMA: FieldSchema = {
  kind: 'object',
  doc: 'A workbench project: a name and a list of experiments.',
  fields: {
    name: { kind: 'string', default: 'Untitled project', doc: 'The project title.' },
    description: { kind: 'string', optional: true, doc: 'Free text: what the study is about.' },
    // experiments: a list of EXPERIMENT_SCHEMA, validated by validateExperiment
  },
}

/** A rule that involves several fields; it runs only when every field it reads is valid. */
export interface CrossFieldRule {
  /** where a violation is reported, relative to the experiment */
  at: string
  /** fields it reads, relative to the experiment */
  reads: readonly string[]
  doc: string
  /** a message for the user, or undefined when the rule holds */
  check(experiment: Experiment, isValid: (relativePath: string) => boolean): string | undefined
}

export const EXPERIMENT_RULES: readonly CrossFieldRule[] = [
  {
    at: 'target', reads: ['target'], doc: 'A target is either an expression or a CSV file.',
    check: ({ target }) => {
      if (target.expr !== undefined && target.csv !== undefined) return 'give either expr or csv, not both'
      if (target.expr === undefined && target.csv === undefined) {
        return 'missing: give expr (a formula such as "sin(x)") or csv (a file of samples relative to the project folder)'
      }
      return undefined
    },
  },
  {
    at: 'target.expr', reads: ['target.expr'], doc: 'The expression compiles and uses only the variables of the dimension.',
    check: ({ target, domain }, isValid) => {
      if (target.expr === undefined) return undefined
      // With an invalid dim, still check the syntax (allowing both variables).
      const dim = isValid('domain.dim') ? domain.dim : 2
      return targetExpressionProblem(target.expr, dim)
    },
  },
  {
    at: 'network.width', reads: ['network.width', 'network.init'], doc: 'Zero-output initialisation pairs neurons k and k + m/2.',
    check: ({ network }) => network.init === 'zero-output' && network.width % 2 !== 0
      ? `must be an even integer >= 2 for zero-output initialisation (got ${network.width})`
      : undefined,
  },
  {
    at: 'network.trained', reads: ['network.trained', 'network.bias'], doc: 'Biases are trained only if the network has them.',
    check: ({ network }) => network.trained.includes('b') && !network.bias
      ? '"b" (the biases) can be trained only when network.bias is true; remove "b" or set bias to true'
      : undefined,
  },
  {
    at: 'training.snapshots', reads: ['training.snapshots', 'training.time'], doc: 'Snapshots lie within [0, time].',
    check: ({ training }) => {
      const outside = training.snapshots
        .map((value, index) => ({ value, index }))
        .filter(({ value }) => value > training.time)
      return outside.length === 0 ? undefined
        : `every snapshot must lie in [0, time] = [0, ${training.time}] (got ${outside.map(({ value, index }) => `${value} at [${index}]`).join(', ')})`
    },
  },
  {
    at: 'analysis.band', reads: ['analysis.band', 'analysis.xiMax'], doc: 'The band lies inside the frequency grid.',
    check: ({ analysis }) => analysis.band > analysis.xiMax
      ? `must be a number > 0 and <= xiMax = ${analysis.xiMax} (got ${analysis.band})`
      : undefined,
  },
]

// ---------------------------------------------------------------------------------------------
// Versions

type RawObject = Record<string, unknown>

/**
 * MIGRATIONS[n] turns a version-n project (its raw JSON object) into a version n+1 one; loading
 * applies them in turn up to PROJECT_VERSION. Version 1 is the first, so the table is empty.
 */
export const MIGRATIONS: Readonly<Record<number, (project: RawObject) => RawObject>> = {}

// ---------------------------------------------------------------------------------------------
// Validation derived from the table

export interface ExperimentValidation {
  /** present exactly when there are no problems */
  experiment?: Experiment
  problems: ProjectProblem[]
  warnings: ProjectProblem[]
}

export type ParseProjectResult =
  | { ok: true; project: Project; warnings: ProjectProblem[] }
  /** warnings (unknown fields, with "did you mean" hints) come along: they often explain a problem */
  | { ok: false; problems: ProjectProblem[]; warnings?: ProjectProblem[] }

/** Validates a project file's parsed JSON, fills defaults and migrates older versions. */
export function parseProject(raw: unknown): ParseProjectResult {
  if (!isPlainObject(raw)) {
    return { ok: false, problems: [{ path: '$', message: `must be an object with format, version, name and experiments (got ${describeType(raw)})` }] }
  }
  const problems: ProjectProblem[] = []
  const warnings: ProjectProblem[] = []

  const format = raw.format
  if (format === undefined) {
    problems.push({ path: '$.format', message: `missing; a project file starts with "format": ${JSON.stringify(PROJECT_FORMAT)}` })
  } else if (format !== PROJECT_FORMAT) {
    // Another kind of file: checking its fields against ours would only add noise.
    return { ok: false, problems: [{ path: '$.format', message: `this is not a workbench project: format must be ${JSON.stringify(PROJECT_FORMAT)} (got ${show(format)})` }] }
  }

  let version = PROJECT_VERSION as number
  const rawVersion = raw.version
  if (rawVersion === undefined) {
    problems.push({ path: '$.version', message: `missing; this workbench reads "version": ${PROJECT_VERSION}` })
  } else if (typeof rawVersion !== 'number' || !Number.isInteger(rawVersion) || rawVersion < 1) {
    problems.push({ path: '$.version', message: `must be an integer >= 1 (this workbench reads version ${PROJECT_VERSION}) (got ${show(rawVersion)})` })
  } else if (rawVersion > PROJECT_VERSION) {
    problems.push({
      path: '$.version',
      message: `version ${rawVersion} was written by a newer workbench; this one reads version ${PROJECT_VERSION}. Update the workbench to open this project.`,
    })
    return { ok: false, problems }
  } else {
    version = rawVersion
  }

  let current: RawObject = raw
  for (let from = version; from < PROJECT_VERSION; from++) {
    const migrate = MIGRATIONS[from]
    if (!migrate) {
      return { ok: false, problems: [...problems, { path: '$.version', message: `no migration from version ${from} to ${from + 1} exists` }] }
    }
    current = migrate(current)
  }

  const project: RawObject = {}
  const invalid = new Set<string>()
  const experiments: Experiment[] = []
  for (const [key, value] of Object.entries(current)) {
    if (value === undefined) continue
    if (key === 'format' || key === 'version') {
      project[key] = key === 'format' ? PROJECT_FORMAT : PROJECT_VERSION
    } else if (key === 'experiments') {
      project.experiments = validateExperimentList(value, problems, warnings, experiments)
    } else if (key === 'sweeps') {
      project.sweeps = validateSweepList(value, current.experiments, problems, warnings)
    } else if (Object.hasOwn(fieldsOf(PROJECT_SCHEMA), key)) {
      project[key] = validateField(fieldsOf(PROJECT_SCHEMA)[key], value, `$.${key}`, key, { problems, warnings, invalid })
    } else {
      setOwn(project, key, value)
      warnings.push(unknownFieldWarning(joinPath('$', key), key, ['format', 'version', 'experiments', 'sweeps', ...Object.keys(fieldsOf(PROJECT_SCHEMA))]))
    }
  }
  if (project.format === undefined) project.format = PROJECT_FORMAT
  if (project.version === undefined) project.version = PROJECT_VERSION
  fillMissing(PROJECT_SCHEMA, project, current, '$', '', { problems, warnings, invalid })
  if (current.experiments === undefined) {
    problems.push({ path: '$.experiments', message: 'missing; expected a list of experiments (it may be empty: [])' })
  }
  if (problems.length > 0) return { ok: false, problems, warnings }
  return { ok: true, project: project as unknown as Project, warnings }
}

/** Validates one experiment at JSON path `path` (e.g. "$.experiments[0]"), filling defaults. */
export function validateExperiment(raw: unknown, path: string): ExperimentValidation {
  const problems: ProjectProblem[] = []
  const warnings: ProjectProblem[] = []
  const invalid = new Set<string>()
  const context = { problems, warnings, invalid }
  const value = validateField(EXPERIMENT_SCHEMA, raw, path, '', context)
  if (value === undefined) return { problems, warnings }
  const draft = value as Experiment
  // A field is valid when neither it, nor a field inside it, nor the object holding it failed.
  const isValid = (relative: string): boolean =>
    ![...invalid].some((bad) => bad === relative || relative.startsWith(bad + '.') || bad.startsWith(relative + '.'))
  for (const rule of EXPERIMENT_RULES) {
    if (!rule.reads.every(isValid)) continue
    const message = rule.check(draft, isValid)
    if (message !== undefined) problems.push({ path: joinRelative(path, rule.at), message })
  }
  if (problems.length > 0) return { problems, warnings }
  return { experiment: normaliseExperiment(draft), problems, warnings }
}

/**
 * A new experiment with every field set: the table's defaults, and its examples for the fields
 * that have none (the spec's reference configuration, section 6).
 */
export function defaultExperiment(id: string): Experiment {
  const experiment = exampleValue(EXPERIMENT_SCHEMA) as Experiment
  experiment.id = id
  return normaliseExperiment(experiment)
}

/** Sorts and de-duplicates the snapshots and adds 0 and the final time. */
function normaliseExperiment(experiment: Experiment): Experiment {
  const { training } = experiment
  const snapshots = [...new Set([0, ...training.snapshots, training.time])].sort((a, b) => a - b)
  return { ...experiment, training: { ...training, snapshots } }
}

function exampleValue(field: FieldSchema): unknown {
  if (field.kind === 'object') {
    const result: RawObject = {}
    for (const [key, child] of Object.entries(field.fields)) {
      const value = exampleValue(child)
      if (value !== undefined) result[key] = value
    }
    return result
  }
  return structuredClone(field.example ?? field.default)
}

interface Context {
  problems: ProjectProblem[]
  warnings: ProjectProblem[]
  /** relative paths of fields that failed, so that cross-field rules skip them */
  invalid: Set<string>
}

function validateExperimentList(value: unknown, problems: ProjectProblem[], warnings: ProjectProblem[], out: Experiment[]): unknown {
  if (!Array.isArray(value)) {
    problems.push({ path: '$.experiments', message: `must be a list of experiments (got ${describeType(value)})` })
    return value
  }
  const firstUse = new Map<string, number>()
  return value.map((item, index) => {
    const path = `$.experiments[${index}]`
    const result = validateExperiment(item, path)
    problems.push(...result.problems)
    warnings.push(...result.warnings)
    const id = isPlainObject(item) ? item.id : undefined
    if (typeof id === 'string') {
      const earlier = firstUse.get(id)
      if (earlier === undefined) firstUse.set(id, index)
      else problems.push({ path: `${path}.id`, message: `duplicate id ${JSON.stringify(id)} (also used by $.experiments[${earlier}]); ids must be unique` })
    }
    if (result.experiment) out.push(result.experiment)
    return result.experiment ?? item
  })
}

/**
 * Validates the optional "sweeps" list (sweep design, issue 4). The list is kept as the file gives
 * it ({from, to} ranges stay ranges, omitted fields stay omitted) so that a save writes it back
 * unchanged; validateSweep gives the normalised SweepSpec to the code that runs a sweep.
 */
function validateSweepList(value: unknown, rawExperiments: unknown, problems: ProjectProblem[], warnings: ProjectProblem[]): unknown {
  if (!Array.isArray(value)) {
    problems.push({ path: '$.sweeps', message: `must be a list of sweeps (it may be empty: []) (got ${describeType(value)})` })
    return value
  }
  const experimentIds = Array.isArray(rawExperiments)
    ? rawExperiments.map((item) => (isPlainObject(item) ? item.id : undefined)).filter((id): id is string => typeof id === 'string')
    : []
  const firstUse = new Map<string, number>()
  value.forEach((item, index) => {
    const path = `$.sweeps[${index}]`
    const result = validateSweep(item, path, experimentIds)
    problems.push(...result.problems)
    warnings.push(...result.warnings)
    const id = isPlainObject(item) ? item.id : undefined
    if (typeof id !== 'string') return
    const earlier = firstUse.get(id)
    if (earlier === undefined) firstUse.set(id, index)
    else problems.push({ path: `${path}.id`, message: `duplicate sweep id ${JSON.stringify(id)} (also used by $.sweeps[${earlier}]); sweep ids must be unique` })
  })
  return structuredClone(value)
}

/**
 * Checks one value against a field of the table (e.g. a sweep axis value against the experiment
 * field it sets), reporting problems at `path`; `value` is the accepted value with defaults filled.
 */
export function checkFieldValue(field: FieldSchema, value: unknown, path: string): { value?: unknown; problems: ProjectProblem[]; warnings: ProjectProblem[] } {
  const context: Context = { problems: [], warnings: [], invalid: new Set() }
  const checked = validateField(field, value, path, '', context)
  return context.problems.length > 0 ? { problems: context.problems, warnings: context.warnings } : { value: checked, problems: [], warnings: context.warnings }
}

/** Validates one value against its field schema; undefined (and a problem) when invalid. */
function validateField(field: FieldSchema, value: unknown, path: string, relative: string, context: Context): unknown {
  const fail = (message: string, at = path): undefined => {
    context.problems.push({ path: at, message })
    context.invalid.add(relative)
    return undefined
  }
  const got = ` (got ${show(value)})`
  switch (field.kind) {
    case 'number':
      return isNumberAccepted(value, field.rule) ? value : fail(`must be ${describeNumber(field.rule)}${got}`)
    case 'numberOrAuto':
      return value === 'auto' || isNumberAccepted(value, field.rule) ? value : fail(`must be ${describeNumber(field.rule)} or "auto"${got}`)
    case 'string':
      if (typeof value !== 'string') return fail(`must be ${field.patternDoc ?? 'a string'}${got}`)
      return !field.pattern || field.pattern.test(value) ? value : fail(`must be ${field.patternDoc}${got}`)
    case 'boolean':
      return typeof value === 'boolean' ? value : fail(`must be true or false${got}`)
    case 'choice':
      return typeof value === 'string' && field.values.includes(value) ? value : fail(`must be ${describeChoice(field.values)}${got}`)
    case 'numberList':
    case 'choices': {
      const accepted = describeField(field)
      if (!Array.isArray(value)) return fail(`must be ${accepted}${got}`)
      if (field.nonEmpty && value.length === 0) return fail(`must be ${accepted} (got an empty list)`)
      const before = context.problems.length
      const seen = new Map<unknown, number>()
      value.forEach((item, index) => {
        const itemPath = `${path}[${index}]`
        if (field.kind === 'numberList') {
          if (!isNumberAccepted(item, field.item)) fail(`must be ${describeNumber(field.item)} (got ${show(item)})`, itemPath)
        } else if (typeof item !== 'string' || !field.values.includes(item)) {
          fail(`must be ${describeChoice(field.values)} (got ${show(item)})`, itemPath)
        } else if (seen.has(item)) {
          fail(`${JSON.stringify(item)} appears twice (also at [${seen.get(item)}]); list each value once`, itemPath)
        } else {
          seen.set(item, index)
        }
      })
      return context.problems.length === before ? [...value] : undefined
    }
    case 'object': {
      if (!isPlainObject(value)) return fail(`must be an object${describeObjectFields(field)} (got ${describeType(value)})`)
      // An object is returned even when some of its fields failed (they keep their raw value and
      // are marked invalid), so that cross-field rules can still check the valid ones.
      const result: RawObject = {}
      for (const [key, child] of Object.entries(value)) {
        if (child === undefined) continue
        const childPath = joinPath(path, key)
        if (Object.hasOwn(field.fields, key)) {
          const checked = validateField(field.fields[key], child, childPath, joinRelative(relative, key), context)
          result[key] = checked === undefined ? child : checked
        } else {
          setOwn(result, key, child)
          context.warnings.push(unknownFieldWarning(childPath, key, Object.keys(field.fields)))
        }
      }
      fillMissing(field, result, value, path, relative, context)
      return result
    }
  }
}

/** Adds defaults for omitted fields, and reports omitted required ones. */
function fillMissing(field: FieldSchema, result: RawObject, raw: RawObject, path: string, relative: string, context: Context): void {
  for (const [key, child] of Object.entries(fieldsOf(field))) {
    if (raw[key] !== undefined) continue
    const childPath = joinPath(path, key)
    const childRelative = joinRelative(relative, key)
    if (child.default !== undefined) {
      result[key] = structuredClone(child.default)
    } else if (child.kind === 'object' && requiredFields(child).length === 0) {
      const value = validateField(child, {}, childPath, childRelative, context)
      if (value !== undefined) result[key] = value
    } else if (!child.optional) {
      const required = child.kind === 'object' ? ` (required: ${requiredFields(child).join(', ')})` : ''
      context.problems.push({ path: childPath, message: `missing; expected ${describeField(child)}${required}` })
      context.invalid.add(childRelative)
    }
  }
}

function fieldsOf(field: FieldSchema): Readonly<Record<string, FieldSchema>> {
  return field.kind === 'object' ? field.fields : {}
}

function requiredFields(field: FieldSchema): string[] {
  return Object.entries(fieldsOf(field))
    .filter(([, child]) => child.default === undefined && !child.optional && (child.kind !== 'object' || requiredFields(child).length > 0))
    .map(([key]) => key)
}

/** The warning for a field this version does not know, with a "did you mean" hint. */
export function unknownFieldWarning(path: string, key: string, known: readonly string[]): ProjectProblem {
  const close = known.find((name) => editDistance(name.toLowerCase(), key.toLowerCase()) <= 2)
  const hint = close ? `; did you mean ${JSON.stringify(close)}?` : ''
  return { path, message: `unknown field, kept as it is (this version of the workbench does not use it)${hint}` }
}

// ---------------------------------------------------------------------------------------------
// Descriptions: what a field accepts, in words

/** "an integer >= 3", "a number > 0", "1 or 2", ... */
export function describeNumber(rule: NumberRule): string {
  if (rule.oneOf) return describeChoice(rule.oneOf.map(String), false)
  const bounds: string[] = []
  if (rule.above !== undefined) bounds.push(`> ${rule.above}`)
  if (rule.atLeast !== undefined) bounds.push(`>= ${rule.atLeast}`)
  if (rule.atMost !== undefined) bounds.push(`<= ${rule.atMost}`)
  return `${rule.integer ? 'an integer' : 'a number'}${bounds.length ? ' ' + bounds.join(' and ') : ''}`
}

/** What a field accepts, in words, e.g. 'a non-empty list of distinct values from "a", "w", "b"'. */
export function describeField(field: FieldSchema): string {
  switch (field.kind) {
    case 'number': return describeNumber(field.rule)
    case 'numberOrAuto': return `${describeNumber(field.rule)} or "auto"`
    case 'numberList': return `a ${field.nonEmpty ? 'non-empty ' : ''}list of numbers, each ${describeNumber(field.item).replace(/^an? /, '')}`
    case 'string': return field.patternDoc ?? 'a string'
    case 'boolean': return 'true or false'
    case 'choice': return describeChoice(field.values)
    case 'choices': return `a ${field.nonEmpty ? 'non-empty ' : ''}list of distinct values from ${field.values.map((value) => JSON.stringify(value)).join(', ')}`
    case 'object': return `an object${describeObjectFields(field)}`
  }
}

function describeObjectFields(field: FieldSchema): string {
  const keys = Object.keys(fieldsOf(field))
  return keys.length ? ` with fields ${keys.join(', ')}` : ''
}

function describeChoice(values: readonly string[], quote = true): string {
  const shown = values.map((value) => (quote ? JSON.stringify(value) : value))
  return shown.length === 1 ? shown[0] : shown.length === 2 ? `${shown[0]} or ${shown[1]}` : `one of ${shown.join(', ')}`
}

function isNumberAccepted(value: unknown, rule: NumberRule): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false
  if (rule.integer && !Number.isInteger(value)) return false
  if (rule.oneOf && !rule.oneOf.includes(value)) return false
  if (rule.above !== undefined && !(value > rule.above)) return false
  if (rule.atLeast !== undefined && !(value >= rule.atLeast)) return false
  if (rule.atMost !== undefined && !(value <= rule.atMost)) return false
  return true
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function isPlainObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** What kind of value this is, in words, for messages (shared with the sweep schema). */
export function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'an object' : show(value)
}

/** A value as it would appear in JSON, shortened to about 60 characters. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'number') return String(value)
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/**
 * Sets an own property, even one named "__proto__" (which JSON.parse creates as an own key but
 * plain assignment would turn into a prototype change, losing the field).
 */
function setOwn(target: RawObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** $.a.b, or $["odd key"] for keys that are not identifiers */
export function joinPath(base: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`
}

function joinRelative(base: string, key: string): string {
  if (base === '') return key
  return key.startsWith('[') ? base + key : `${base}.${key}`
}

/** Levenshtein distance, for "did you mean" hints on unknown field names. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[b.length]
}
