/**
 * Targets given as CSV samples (project.json: target.csv, a path relative to the project folder).
 *
 * 1-D: columns x,g, one sample per line, in any order (sorted on load), each x once.
 * 2-D: columns x,y,g on a full grid: every combination of the distinct x values and the distinct
 *      y values appears exactly once (the grid need not be uniform).
 * A header line naming the columns (x,g or x,y,g, in any order) is optional; blank lines and
 * lines starting with "#" are skipped. Between samples g is interpolated linearly (1-D) or
 * bilinearly (2-D); points outside the sampled range are refused, never extrapolated.
 */
import { readFile } from 'node:fs/promises'

/** A target sampled on a 1-D line or a 2-D grid, with its interpolant. */
export interface CsvTarget {
  dim: 1 | 2
  /** distinct x values, increasing (length nx) */
  xs: Float64Array
  /** distinct y values, increasing (length ny; empty in 1-D) */
  ys: Float64Array
  /** g at the samples: values[i] = g(xs[i]) in 1-D; values[i * ny + j] = g(xs[i], ys[j]) in 2-D */
  values: Float64Array
  /** [min, max] of x, and of y in 2-D */
  xRange: [number, number]
  yRange?: [number, number]
  /**
   * g at N points by linear (1-D) or bilinear (2-D) interpolation. points: N x d row-major;
   * out (optional): length N. Throws a RangeError naming the first point outside the range.
   */
  evaluate(points: Float64Array, out?: Float64Array): Float64Array
  /** undefined if the samples cover [-L, L]^d, else a message saying which range they cover */
  coverageProblem(halfWidth: number): string | undefined
}

export type CsvTargetResult = { ok: true; target: CsvTarget } | { ok: false; message: string; line?: number }

/**
 * Points this close to the sampled range (relative to its span) count as inside and are clamped:
 * a grid computed as -L + i * 2L / (N - 1) can overshoot L by a few units in the last place.
 */
export const RANGE_TOLERANCE = 1e-9

/** Why a CSV target cannot be used; the message names the file and, where known, the line. */
export class CsvTargetError extends Error {
  constructor(readonly path: string, readonly reason: string, readonly line?: number) {
    super(`${path}${line ? `:${line}` : ''}: ${reason}`)
    this.name = 'CsvTargetError'
  }
}

/**
 * Reads and parses a CSV target file. Throws CsvTargetError ("data/g.csv:7: \"abc\" is not a
 * finite number") when the file is missing, unreadable or malformed.
 */
export async function loadCsvTarget(path: string, dim: 1 | 2): Promise<CsvTarget> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CsvTargetError(path, code === 'ENOENT' ? 'file not found' : `cannot be read (${(error as Error).message})`)
  }
  const result = parseCsvTarget(text, dim)
  if (!result.ok) throw new CsvTargetError(path, result.message, result.line)
  return result.target
}

/** Parses CSV text (see the file comment); `line` in an error counts from 1. */
export function parseCsvTarget(text: string, dim: 1 | 2): CsvTargetResult {
  const names = dim === 1 ? ['x', 'g'] : ['x', 'y', 'g']
  const columnsDoc = names.join(',')
  let order: number[] | undefined // order[k] = column holding names[k]
  const rows: { line: number; fields: number[] }[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1
    const content = lines[index].trim()
    if (content === '' || content.startsWith('#')) continue
    const cells = content.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1').trim())
    const numbers = cells.map(parseNumber)
    // The first line is a header when none of its cells is a number.
    if (order === undefined && rows.length === 0 && numbers.every((value) => value === undefined)) {
      const header = cells.map((cell) => cell.toLowerCase())
      const found = names.map((name) => header.indexOf(name))
      if (header.length !== names.length || found.some((column) => column < 0)) {
        return { ok: false, line, message: `the header must name the columns ${columnsDoc} (got ${content})` }
      }
      order = found
      continue
    }
    if (cells.length !== names.length) {
      return { ok: false, line, message: `expected ${names.length} values (${columnsDoc}), got ${cells.length}` }
    }
    const bad = numbers.findIndex((value) => value === undefined)
    if (bad >= 0) return { ok: false, line, message: `${JSON.stringify(cells[bad])} is not a finite number` }
    const fields = (order ?? names.map((_, k) => k)).map((column) => numbers[column] as number)
    rows.push({ line, fields })
  }
  return dim === 1 ? buildLine(rows) : buildGrid(rows)
}

function parseNumber(cell: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell)) return undefined
  const value = Number(cell)
  return Number.isFinite(value) ? value : undefined
}

function buildLine(rows: { line: number; fields: number[] }[]): CsvTargetResult {
  if (rows.length < 2) return { ok: false, message: `a 1-D CSV target needs at least 2 samples (got ${rows.length})` }
  const sorted = [...rows].sort((a, b) => a.fields[0] - b.fields[0])
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].fields[0] === sorted[i - 1].fields[0]) {
      const [first, second] = [sorted[i - 1].line, sorted[i].line].sort((a, b) => a - b)
      return { ok: false, line: second, message: `x = ${sorted[i].fields[0]} appears twice (also on line ${first}); give each x once` }
    }
  }
  const xs = Float64Array.from(sorted, (row) => row.fields[0])
  const values = Float64Array.from(sorted, (row) => row.fields[1])
  const xRange: [number, number] = [xs[0], xs[xs.length - 1]]
  const target: CsvTarget = {
    dim: 1,
    xs,
    ys: new Float64Array(0),
    values,
    xRange,
    evaluate: (points, out) => interpolateLine(xs, values, points, out),
    coverageProblem: (halfWidth) => coverageProblem([xRange], halfWidth),
  }
  return { ok: true, target }
}

function buildGrid(rows: { line: number; fields: number[] }[]): CsvTargetResult {
  const xs = distinctSorted(rows.map((row) => row.fields[0]))
  const ys = distinctSorted(rows.map((row) => row.fields[1]))
  if (xs.length < 2 || ys.length < 2) {
    return { ok: false, message: `a 2-D CSV target needs a grid of at least 2 x 2 samples (got ${xs.length} x values and ${ys.length} y values)` }
  }
  const ny = ys.length
  const values = new Float64Array(xs.length * ny)
  const lineOf = new Int32Array(xs.length * ny) // 0: not given yet
  const xIndex = new Map(Array.from(xs, (value, i) => [value, i]))
  const yIndex = new Map(Array.from(ys, (value, j) => [value, j]))
  for (const { line, fields } of rows) {
    const cell = (xIndex.get(fields[0]) as number) * ny + (yIndex.get(fields[1]) as number)
    if (lineOf[cell] !== 0) {
      return { ok: false, line, message: `the point x = ${fields[0]}, y = ${fields[1]} appears twice (also on line ${lineOf[cell]})` }
    }
    lineOf[cell] = line
    values[cell] = fields[2]
  }
  const missing = lineOf.indexOf(0)
  if (missing >= 0) {
    const x = xs[Math.floor(missing / ny)]
    const y = ys[missing % ny]
    return {
      ok: false,
      message: `the samples do not form a full grid: x = ${x}, y = ${y} is missing (a 2-D CSV must give g at every combination ` +
        `of its ${xs.length} x values and ${ny} y values)`,
    }
  }
  const xRange: [number, number] = [xs[0], xs[xs.length - 1]]
  const yRange: [number, number] = [ys[0], ys[ny - 1]]
  const target: CsvTarget = {
    dim: 2,
    xs,
    ys,
    values,
    xRange,
    yRange,
    evaluate: (points, out) => interpolateGrid(xs, ys, values, points, out),
    coverageProblem: (halfWidth) => coverageProblem([xRange, yRange], halfWidth),
  }
  return { ok: true, target }
}

function distinctSorted(values: number[]): Float64Array {
  return Float64Array.from(new Set(values)).sort()
}

function coverageProblem(ranges: [number, number][], halfWidth: number): string | undefined {
  const axes = ['x', 'y']
  const short = ranges.findIndex(([low, high]) => {
    const slack = RANGE_TOLERANCE * (high - low)
    return low > -halfWidth + slack || high < halfWidth - slack
  })
  if (short < 0) return undefined
  const covered = ranges.map(([low, high], axis) => `${axes[axis]} in [${low}, ${high}]`).join(', ')
  return `the CSV samples cover ${covered}, but the domain is [${-halfWidth}, ${halfWidth}]${ranges.length === 2 ? '^2' : ''}; ` +
    'give samples over the whole domain or make domain.halfWidth smaller'
}

/**
 * Index i with grid[i] <= value <= grid[i + 1] (grid increasing, length >= 2), after clamping
 * values within RANGE_TOLERANCE of the ends; -1 when the value lies outside.
 */
function locate(grid: Float64Array, value: number): number {
  const last = grid.length - 1
  const slack = RANGE_TOLERANCE * (grid[last] - grid[0])
  if (!(value >= grid[0] - slack && value <= grid[last] + slack)) return -1
  let low = 0
  let high = last
  while (high - low > 1) {
    const middle = (low + high) >> 1
    if (grid[middle] <= value) low = middle
    else high = middle
  }
  return low
}

function outside(axis: string, value: number, index: number, grid: Float64Array): RangeError {
  return new RangeError(`point ${index} has ${axis} = ${value}, outside the CSV's range [${grid[0]}, ${grid[grid.length - 1]}]; ` +
    'a CSV target is not extrapolated')
}

/**
 * g(x) = g_i + (x - x_i) / (x_{i+1} - x_i) * (g_{i+1} - g_i) for x in [x_i, x_{i+1}].
 * xs increasing (length >= 2), values same length; points length N; out length N.
 */
export function interpolateLine(xs: Float64Array, values: Float64Array, points: Float64Array, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(points.length)
  if (result.length !== points.length) throw new RangeError(`out must have length ${points.length} (got ${result.length})`)
  for (let n = 0; n < points.length; n++) {
    const x = points[n]
    const i = locate(xs, x)
    if (i < 0) throw outside('x', x, n, xs)
    const s = Math.min(1, Math.max(0, (x - xs[i]) / (xs[i + 1] - xs[i])))
    result[n] = values[i] + s * (values[i + 1] - values[i])
  }
  return result
}

/**
 * Bilinear interpolation on the grid xs x ys: with s, r the fractional positions of (x, y) in
 * the cell [x_i, x_{i+1}] x [y_j, y_{j+1}],
 *   g = (1-s)(1-r) g_ij + s(1-r) g_(i+1)j + (1-s) r g_i(j+1) + s r g_(i+1)(j+1).
 * values[i * ny + j] = g(xs[i], ys[j]); points N x 2 row-major; out length N.
 */
export function interpolateGrid(xs: Float64Array, ys: Float64Array, values: Float64Array, points: Float64Array, out?: Float64Array): Float64Array {
  const count = points.length / 2
  if (!Number.isInteger(count)) throw new RangeError(`points must hold N x 2 numbers (got length ${points.length})`)
  const result = out ?? new Float64Array(count)
  if (result.length !== count) throw new RangeError(`out must have length ${count} (got ${result.length})`)
  const ny = ys.length
  for (let n = 0; n < count; n++) {
    const x = points[2 * n]
    const y = points[2 * n + 1]
    const i = locate(xs, x)
    if (i < 0) throw outside('x', x, n, xs)
    const j = locate(ys, y)
    if (j < 0) throw outside('y', y, n, ys)
    const s = Math.min(1, Math.max(0, (x - xs[i]) / (xs[i + 1] - xs[i])))
    const r = Math.min(1, Math.max(0, (y - ys[j]) / (ys[j + 1] - ys[j])))
    const base = i * ny + j
    result[n] = (1 - s) * (1 - r) * values[base] + s * (1 - r) * values[base + ny] +
      (1 - s) * r * values[base + 1] + s * r * values[base + ny + 1]
  }
  return result
}
