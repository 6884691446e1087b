/**
 * Validation of one sweep of project.json (sweep design, issue 4): its fields, its axes (each a
 * field path of the experiment table EXPERIMENT_SCHEMA with values valid for that field) and the
 * size of its grid. Every refusal has a JSON path ("$.sweeps[0].axes[1].path") and says what would
 * be accepted. Whether each point is valid as a whole (cross-field rules such as an even width for
 * zero-output initialisation) is checked by expandSweep, which builds the points.
 */
import {
  checkFieldValue,
  describeType,
  describeField,
  editDistance,
  EXPERIMENT_ID_PATTERN,
  EXPERIMENT_SCHEMA,
  joinPath,
  show,
  unknownFieldWarning,
} from '../project/projectSchema'
import type { FieldSchema, ProjectProblem } from '../project/projectSchema'
import type { IntegerRange, SweepAxis, SweepMode, SweepSpec } from './sweepTypes'

/** Grids (and random draws) of more points than this are refused unless maxPoints is raised. */
export const DEFAULT_MAX_POINTS = 1000
/** An integer range {from, to} may give at most this many values (it is expanded into a list). */
export const MAX_RANGE_VALUES = 100000

export interface SweepValidation {
  /** present exactly when there are no problems */
  sweep?: SweepSpec
  problems: ProjectProblem[]
  /** unknown fields, kept in the file and ignored */
  warnings: ProjectProblem[]
}

/**
 * The fields of a sweep other than its axes, as a table in the manner of EXPERIMENT_SCHEMA.
 * Built on demand: projectSchema.ts imports this module, so its values are read only at call time.
 */
function sweepFields(): Readonly<Record<string, FieldSchema>> {
  return {
    id: {
      kind: 'string', pattern: EXPERIMENT_ID_PATTERN, doc: 'Unique id of the sweep; names its folder sweeps/<id>/.',
      patternDoc: 'a filename-safe id: 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    },
    base: { kind: 'string', doc: 'Id of the experiment of the project whose fields the axes change.' },
    mode: { kind: 'choice', values: ['grid', 'random'], doc: '"grid": every combination of the axis values; "random": count points drawn from that grid.' },
    count: { kind: 'number', rule: { integer: true, atLeast: 1 }, optional: true, doc: 'Random mode: number of distinct grid points drawn.' },
    seed: { kind: 'number', rule: { integer: true, atLeast: 0, atMost: 4294967295 }, default: 0, doc: 'Random mode: seed of the draw.' },
    maxPoints: { kind: 'number', rule: { integer: true, atLeast: 1 }, default: DEFAULT_MAX_POINTS, doc: 'Confirmation limit: sweeps of more points are refused.' },
  }
}

const AXIS_FIELDS = ['path', 'values'] as const

/** The field of EXPERIMENT_SCHEMA at a dotted path ("network.width"), or undefined. */
export function experimentFieldAt(path: string): FieldSchema | undefined {
  let field: FieldSchema | undefined = EXPERIMENT_SCHEMA
  for (const key of path.split('.')) {
    if (field?.kind !== 'object' || !Object.hasOwn(field.fields, key)) return undefined
    field = field.fields[key]
  }
  return field
}

/** Every field path of EXPERIMENT_SCHEMA a sweep axis may set (all but "id"), e.g. "network.width". */
export function sweepablePaths(): string[] {
  const paths: string[] = []
  const walk = (field: FieldSchema, prefix: string): void => {
    if (field.kind !== 'object') return
    for (const [key, child] of Object.entries(field.fields)) {
      const path = prefix ? `${prefix}.${key}` : key
      if (path !== 'id') paths.push(path)
      walk(child, path)
    }
  }
  walk(EXPERIMENT_SCHEMA, '')
  return paths
}

/**
 * Validates one sweep of project.json at JSON path `path` (e.g. "$.sweeps[0]"); `experimentIds`
 * are the ids of the project's experiments (its base must be one). Ranges {from, to} are expanded,
 * seed and maxPoints defaulted. Unknown fields are warnings, not problems.
 */
export function validateSweep(raw: unknown, path: string, experimentIds: string[]): SweepValidation {
  const problems: ProjectProblem[] = []
  const warnings: ProjectProblem[] = []
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ path, message: `must be an object with fields id, base, mode and axes (got ${describeType(raw)})` })
    return { problems, warnings }
  }
  const fields = sweepFields()
  const given = raw as Record<string, unknown>
  const accepted: Record<string, unknown> = {}
  let axes: SweepAxis[] | undefined
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue
    const at = joinPath(path, key)
    if (key === 'axes') {
      axes = validateAxes(value, at, problems, warnings)
    } else if (Object.hasOwn(fields, key)) {
      const checked = checkFieldValue(fields[key], value, at)
      problems.push(...checked.problems)
      if (checked.problems.length === 0) accepted[key] = checked.value
    } else {
      warnings.push(unknownFieldWarning(at, key, [...Object.keys(fields), 'axes']))
    }
  }
  for (const [key, field] of Object.entries(fields)) {
    if (given[key] !== undefined) continue
    if (field.default !== undefined) accepted[key] = field.default
    else if (!field.optional) problems.push({ path: joinPath(path, key), message: `missing; expected ${describeField(field)} (${field.doc})` })
  }
  if (given.axes === undefined) {
    problems.push({ path: `${path}.axes`, message: 'missing; expected a non-empty list of axes such as { "path": "network.width", "values": [1000, 4000] }' })
  }

  const base = accepted.base as string | undefined
  if (base !== undefined && !experimentIds.includes(base)) {
    const close = experimentIds.find((id) => editDistance(id.toLowerCase(), base.toLowerCase()) <= 2)
    const known = experimentIds.length ? `one of ${experimentIds.map((id) => JSON.stringify(id)).join(', ')}` : 'none: add an experiment first'
    problems.push({
      path: `${path}.base`,
      message: `${JSON.stringify(base)} is not an experiment of this project; the base must be the id of one (${known})${close ? `; did you mean ${JSON.stringify(close)}?` : ''}`,
    })
  }
  const mode = accepted.mode as SweepMode | undefined
  const count = accepted.count as number | undefined
  if (mode === 'random' && given.count === undefined) {
    problems.push({ path: `${path}.count`, message: 'missing; random mode draws count points from the grid: give an integer >= 1' })
  }
  if (mode === 'grid' && given.count !== undefined) {
    problems.push({ path: `${path}.count`, message: 'count is used only in mode "random"; a grid runs every combination. Remove count or set mode to "random"' })
  }

  if (problems.length > 0 || axes === undefined || mode === undefined) return { problems, warnings }
  const maxPoints = accepted.maxPoints as number
  const sizes = axes.map((axis) => axis.values.length)
  const gridSize = sizes.reduce((product, size) => product * size, 1)
  const shape = sizes.length > 1 ? ` (${sizes.join(' x ')})` : ''
  if (mode === 'grid' && gridSize > maxPoints) {
    problems.push({ path, message: `the grid would be ${gridSize} points${shape}; the limit is ${maxPoints}: set maxPoints to confirm (e.g. "maxPoints": ${gridSize})` })
  }
  if (mode === 'random' && count !== undefined) {
    if (count > gridSize) {
      problems.push({ path: `${path}.count`, message: `the grid has only ${gridSize} points${shape}, so ${count} distinct points cannot be drawn; give a count <= ${gridSize}` })
    } else if (count > maxPoints) {
      problems.push({ path: `${path}.count`, message: `would be ${count} points; the limit is ${maxPoints}: set maxPoints to confirm (e.g. "maxPoints": ${count})` })
    }
  }
  if (problems.length > 0) return { problems, warnings }

  const sweep: SweepSpec = { id: accepted.id as string, base: base as string, mode, axes, seed: accepted.seed as number, maxPoints }
  if (count !== undefined) sweep.count = count
  return { sweep, problems, warnings }
}

/** Validates the axes list; undefined (and problems) when any axis is invalid. */
function validateAxes(value: unknown, path: string, problems: ProjectProblem[], warnings: ProjectProblem[]): SweepAxis[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    const got = Array.isArray(value) ? 'an empty list: the grid would have no points' : describeType(value)
    problems.push({ path, message: `must be a non-empty list of axes such as { "path": "network.width", "values": [1000, 4000] } (got ${got})` })
    return undefined
  }
  const before = problems.length
  const axes: SweepAxis[] = []
  const firstUse = new Map<string, number>()
  value.forEach((item, index) => {
    const at = `${path}[${index}]`
    const axis = validateAxis(item, at, problems, warnings)
    if (!axis) return
    for (const [other, otherIndex] of firstUse) {
      if (other === axis.path || axis.path.startsWith(other + '.') || other.startsWith(axis.path + '.')) {
        problems.push({ path: `${at}.path`, message: `${JSON.stringify(axis.path)} overlaps ${JSON.stringify(other)} of ${path}[${otherIndex}]; each field may be set by one axis only` })
      }
    }
    firstUse.set(axis.path, index)
    axes.push(axis)
  })
  return problems.length === before ? axes : undefined
}

function validateAxis(raw: unknown, path: string, problems: ProjectProblem[], warnings: ProjectProblem[]): SweepAxis | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({ path, message: `must be an object { "path": ..., "values": [...] } (got ${describeType(raw)})` })
    return undefined
  }
  const given = raw as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!(AXIS_FIELDS as readonly string[]).includes(key)) warnings.push(unknownFieldWarning(joinPath(path, key), key, AXIS_FIELDS))
  }
  const fieldPath = given.path
  let field: FieldSchema | undefined
  if (fieldPath === undefined) {
    problems.push({ path: `${path}.path`, message: 'missing; expected the path of an experiment field, e.g. "network.width"' })
  } else if (typeof fieldPath !== 'string') {
    problems.push({ path: `${path}.path`, message: `must be the path of an experiment field as a string, e.g. "network.width" (got ${show(fieldPath)})` })
  } else if (fieldPath === 'id') {
    problems.push({ path: `${path}.path`, message: '"id" cannot be swept: each point gets its own id from its values' })
  } else {
    field = experimentFieldAt(fieldPath)
    if (!field) problems.push({ path: `${path}.path`, message: unknownPathMessage(fieldPath) })
  }
  const values = validateAxisValues(given.values, `${path}.values`, field, problems, warnings)
  if (!field || !values) return undefined
  return { path: fieldPath as string, values }
}

function unknownPathMessage(fieldPath: string): string {
  const paths = sweepablePaths()
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of paths) {
    const distance = editDistance(candidate.toLowerCase(), fieldPath.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  // A hint is given when the path is close, or when its last name is a field somewhere.
  const last = fieldPath.split('.').pop() ?? ''
  const sameName = paths.find((candidate) => candidate.endsWith('.' + last))
  const hint = bestDistance <= 2 ? best : sameName
  return `${JSON.stringify(fieldPath)} is not a field of an experiment${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''} ` +
    '(a path such as "network.width", "network.scales", "training.learningRate")'
}

/** The axis values as a list, each checked against the field (when known) and distinct. */
function validateAxisValues(raw: unknown, path: string, field: FieldSchema | undefined, problems: ProjectProblem[], warnings: ProjectProblem[]): unknown[] | undefined {
  const usage = 'a non-empty list of values, or an integer range { "from": 0, "to": 4 } (both included)'
  if (raw === undefined) {
    problems.push({ path, message: `missing; expected ${usage}` })
    return undefined
  }
  if (Array.isArray(raw)) {
    if (raw.length === 0) {
      problems.push({ path, message: `empty: an axis needs at least one value, else the grid has no points; expected ${usage}` })
      return undefined
    }
    if (!field) return undefined
    const before = problems.length
    const seen = new Map<string, number>()
    const values = raw.map((value, index) => {
      const checked = checkFieldValue(field, value, `${path}[${index}]`)
      problems.push(...checked.problems)
      warnings.push(...checked.warnings)
      const key = JSON.stringify(checked.value ?? value)
      const earlier = seen.get(key)
      if (checked.problems.length === 0 && earlier !== undefined) {
        problems.push({ path: `${path}[${index}]`, message: `${show(value)} appears twice (also at [${earlier}]); list each value once` })
      }
      seen.set(key, index)
      return checked.value
    })
    return problems.length === before ? values : undefined
  }
  const range = parseRange(raw, path, problems)
  if (!range || !field) return undefined
  const values: number[] = []
  for (let value = range.from; value <= range.to; value++) {
    const checked = checkFieldValue(field, value, path)
    if (checked.problems.length > 0) {
      // One message for the whole range, not one per value.
      problems.push({ path, message: `the range {from: ${range.from}, to: ${range.to}} gives ${value}, which is refused: ${checked.problems[0].message}` })
      return undefined
    }
    values.push(value)
  }
  return values
}

function parseRange(raw: unknown, path: string, problems: ProjectProblem[]): IntegerRange | undefined {
  const usage = 'a non-empty list of values, or an integer range { "from": 0, "to": 4 } (both included)'
  if (typeof raw !== 'object' || raw === null) {
    problems.push({ path, message: `must be ${usage} (got ${describeType(raw)})` })
    return undefined
  }
  const { from, to, ...rest } = raw as Record<string, unknown>
  const extra = Object.keys(rest)
  if (extra.length > 0) {
    problems.push({ path, message: `a range has only the fields from and to (got also ${extra.join(', ')}); expected ${usage}` })
    return undefined
  }
  const before = problems.length
  for (const [key, value] of [['from', from], ['to', to]] as const) {
    if (value === undefined) problems.push({ path: `${path}.${key}`, message: 'missing; expected an integer' })
    else if (typeof value !== 'number' || !Number.isSafeInteger(value)) problems.push({ path: `${path}.${key}`, message: `must be an integer (got ${show(value)})` })
  }
  if (problems.length > before) return undefined
  const range = { from: from as number, to: to as number }
  if (range.to < range.from) {
    problems.push({ path, message: `empty range: to (${range.to}) is below from (${range.from}); the grid would have no points` })
    return undefined
  }
  if (range.to - range.from + 1 > MAX_RANGE_VALUES) {
    problems.push({ path, message: `the range gives ${range.to - range.from + 1} values; at most ${MAX_RANGE_VALUES} are allowed on one axis` })
    return undefined
  }
  return range
}


