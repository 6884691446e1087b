/**
 * What every option builder shares: the layout that keeps legends off the data, tooltips with
 * exact values, log-axis helpers, and the data table each figure exports as CSV.
 *
 * Builders are pure: plain data in, an EChartsOption out, no DOM, so they are unit-tested in Node.
 */
import type { EChartsOption } from 'echarts'

export type NumericArray = ArrayLike<number>

/** A figure's data as a table: one header per column, all columns the same length. */
export interface DataTable {
  columns: string[]
  /** column-major: rows[c][r] is row r of column c (null: no value) */
  values: (number | null)[][]
}

/** Significant digits shown in tooltips and written to CSV (float64 round-trips at 17). */
export const EXACT_DIGITS = 17
export const TOOLTIP_DIGITS = 8

/** A number as a tooltip shows it: 8 significant digits, no trailing zeros, exponent when tiny. */
export function formatNumber(value: unknown, digits = TOOLTIP_DIGITS): string {
  if (typeof value !== 'number') return value == null ? '–' : String(value)
  if (!Number.isFinite(value)) return String(value)
  if (value === 0) return '0'
  const magnitude = Math.abs(value)
  if (magnitude >= 1e-4 && magnitude < 1e7) return String(Number(value.toPrecision(digits)))
  return value.toExponential(digits - 1).replace(/\.?0+e/, 'e')
}

/** A short axis tick label. */
export function formatTick(value: number): string {
  if (value === 0) return '0'
  const magnitude = Math.abs(value)
  if (magnitude >= 1e-3 && magnitude < 1e5) return String(Number(value.toPrecision(4)))
  return value.toExponential(0)
}

/** Plain number[] from a typed array or slice (ECharts datasets want ordinary arrays). */
export function toArray(values: NumericArray, start = 0, end = values.length): number[] {
  const out = new Array<number>(end - start)
  for (let i = start; i < end; i++) out[i - start] = values[i]
  return out
}

/** |v| where it can sit on a log axis (> 0 and finite), else null (a gap, not a fake value). */
export function positiveOrNull(value: number): number | null {
  const magnitude = Math.abs(value)
  return magnitude > 0 && Number.isFinite(magnitude) ? magnitude : null
}

/** |values[start..end)| for a log axis. */
export function absForLog(values: NumericArray, start = 0, end = values.length): (number | null)[] {
  const out = new Array<number | null>(end - start)
  for (let i = start; i < end; i++) out[i - start] = positiveOrNull(values[i])
  return out
}

/** Whether positive values span at least `decades` decades (then a log axis reads better). */
export function spansDecades(columns: ArrayLike<number | null>[], decades = 2): boolean {
  let min = Infinity
  let max = 0
  for (const column of columns) {
    for (let i = 0; i < column.length; i++) {
      const v = column[i]
      if (v == null) continue
      const magnitude = Math.abs(v)
      if (!(magnitude > 0) || !Number.isFinite(magnitude)) continue
      if (magnitude < min) min = magnitude
      if (magnitude > max) max = magnitude
    }
  }
  return max > 0 && min < Infinity && Math.log10(max / min) >= decades
}

/** Legend row height reserved above the plot so the legend never covers data. */
export const LEGEND_HEIGHT = 28

/** A grid that leaves room for the title, the legend above it and the axis names around it. */
export function gridLayout(options: { title?: boolean; legend?: boolean; right?: number; bottom?: number } = {}): EChartsOption['grid'] {
  const top = (options.title ? 30 : 10) + (options.legend ? LEGEND_HEIGHT : 0)
  return { top: top + 8, left: 72, right: options.right ?? 24, bottom: options.bottom ?? 52 }
}

/**
 * The legend, above the plot (never over it), scrolling when there are many entries. lineStyles:
 * the entries differ by line style only (training solid, diffusion dashed, NTK dotted in one
 * colour): icons are longer lines without the symbol, so solid, dashed and dotted read apart.
 */
export function legendAbove(options: { title?: boolean; data?: string[]; lineStyles?: boolean } = {}): EChartsOption['legend'] {
  return {
    type: 'scroll', top: options.title ? 28 : 4, left: 'center', itemWidth: options.lineStyles ? 40 : 28,
    ...(options.lineStyles ? { itemStyle: { opacity: 0 } } : {}),
    ...(options.data ? { data: options.data } : {}),
  }
}

export function titleOf(text: string | undefined): EChartsOption['title'] | undefined {
  return text ? { text, left: 'center', top: 2 } : undefined
}

/** Zoom with the mouse wheel and drag inside the plot; no visible chrome (export strips it too). */
export function insideZoom(axes: ('x' | 'y')[] = ['x']): EChartsOption['dataZoom'] {
  return axes.map((axis) => ({ type: 'inside', [axis === 'x' ? 'xAxisIndex' : 'yAxisIndex']: 0, filterMode: 'none' }))
}

/** 10^k exactly as written (10 ** -4 is 0.00009999999999999999 in float64 arithmetic). */
export function pow10(k: number): number {
  return Number(`1e${k}`)
}

/**
 * Ticks of a log axis from min to max (powers of ten): every `interval` decades, about five
 * labels, the bottom moved down to a whole number of intervals below the top so every label
 * is a round power of ten (ECharts otherwise labels odd values when min is not aligned).
 */
export function logTicks(min: number, max: number, labels = 5): { min: number; max: number; interval: number } {
  const top = Math.round(Math.log10(max))
  const decades = Math.max(1, top - Math.round(Math.log10(min)))
  const interval = Math.max(1, Math.ceil(decades / labels))
  return { min: pow10(top - interval * Math.ceil(decades / interval)), max: pow10(top), interval }
}

/** A round tick step (1, 2 or 5 times a power of ten) giving about `count` intervals over [min, max]. */
export function niceStep(min: number, max: number, count = 5): number {
  const raw = (max - min) / Math.max(1, count)
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const power = pow10(Math.floor(Math.log10(raw)))
  const fraction = raw / power
  const nice = fraction <= 1.5 ? 1 : fraction <= 3 ? 2 : fraction <= 7 ? 5 : 10
  return nice * power
}

function isMultiple(value: number, step: number): boolean {
  const ratio = value / step
  return Math.abs(ratio - Math.round(ratio)) < 1e-6
}

/**
 * Ticks of a linear axis over [min, max] that end where the data end: a round step, and the end
 * labels shown only when they fall on it (an axis ending at t = 0.4996 labels 0, 0.1, ..., 0.4,
 * not "0.4996" crowded next to "0.4").
 */
export function linearTicks(min: number, max: number, count = 5): { interval: number; showMinLabel: boolean; showMaxLabel: boolean } {
  const interval = niceStep(min, max, count)
  return { interval, showMinLabel: isMultiple(min, interval), showMaxLabel: isMultiple(max, interval) }
}

/** The smallest and largest finite value (undefined when there is none). */
export function finiteExtent(values: ArrayLike<number | null>): { min: number; max: number } | undefined {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v == null || !Number.isFinite(v)) continue
    if (v < min) min = v
    if (v > max) max = v
  }
  return max >= min ? { min, max } : undefined
}

/** A linear axis' range that ends where the data end (numbers, so the end labels can be judged). */
export function dataExtent(values: ArrayLike<number | null>): { min: number | 'dataMin'; max: number | 'dataMax' } {
  const extent = finiteExtent(values)
  return extent && extent.max > extent.min ? extent : { min: 'dataMin', max: 'dataMax' }
}

/**
 * Where the label of a vertical marker line goes: right of the line near the axis start (left of
 * it, it would sit on the y tick labels), left of the line elsewhere (never against the plot's
 * right edge).
 */
export function markerLabelPosition(x: number, min: number, max: number): 'insideEndTop' | 'insideEndBottom' {
  if (!(max > min)) return 'insideEndTop'
  return (x - min) / (max - min) < 0.12 ? 'insideEndBottom' : 'insideEndTop'
}

/** A value axis with a name and unit, centred under or beside the plot. */
export function namedAxis(name: string, options: { log?: boolean; position?: 'x' | 'y'; min?: number | 'dataMin'; max?: number | 'dataMax'; scale?: boolean } = {}) {
  const y = options.position === 'y'
  const aligned = options.log && typeof options.min === 'number' && typeof options.max === 'number' && options.min > 0 && options.max > options.min
    ? logTicks(options.min, options.max)
    : undefined
  const linear = !options.log && typeof options.min === 'number' && typeof options.max === 'number' && options.max > options.min
    ? linearTicks(options.min, options.max)
    : undefined
  return {
    type: options.log ? 'log' : 'value',
    name,
    nameLocation: 'middle',
    nameGap: y ? 52 : 30,
    ...(options.log ? { logBase: 10 } : {}),
    ...(options.min !== undefined ? { min: options.min } : {}),
    ...(options.max !== undefined ? { max: options.max } : {}),
    ...(aligned ?? {}),
    ...(linear ? { interval: linear.interval } : {}),
    ...(options.scale ? { scale: true } : {}),
    // axes at the plot's edge, not through zero inside it
    axisLine: { onZero: false },
    axisLabel: {
      formatter: (value: number) => formatTick(value), hideOverlap: true,
      ...(linear ? { showMinLabel: linear.showMinLabel, showMaxLabel: linear.showMaxLabel } : {}),
    },
    minorTick: { show: Boolean(options.log) && !(aligned && aligned.interval > 1) },
  } as const
}

/** Tooltip on the axis, every series with its exact value. */
export function axisTooltip(): EChartsOption['tooltip'] {
  return {
    trigger: 'axis',
    confine: true,
    axisPointer: { type: 'line', snap: true },
    valueFormatter: (value) => formatNumber(value as number),
  }
}

/** A vertical marker line at x (the picked frequency), styled the same on every chart. */
export function markedLine(x: number | undefined, label = 'picked xi', range?: { min: number; max: number }): Record<string, unknown> | undefined {
  if (x === undefined || !Number.isFinite(x)) return undefined
  return {
    silent: true,
    symbol: 'none',
    animation: false,
    lineStyle: { type: 'solid', color: '#888888', width: 1 },
    label: { formatter: `${label} = ${formatNumber(x, 4)}`, position: range ? markerLabelPosition(x, range.min, range.max) : 'insideEndTop' },
    data: [{ xAxis: x }],
  }
}

/** Column-major table from named columns, the longest sets the row count (shorter padded with null). */
export function tableOf(columns: [string, ArrayLike<number | null>][]): DataTable {
  const rows = columns.reduce((n, [, values]) => Math.max(n, values.length), 0)
  return {
    columns: columns.map(([name]) => name),
    values: columns.map(([, values]) => {
      const out = new Array<number | null>(rows)
      for (let i = 0; i < rows; i++) out[i] = i < values.length ? values[i] : null
      return out
    }),
  }
}

/** Row s of a row-major S x F matrix. */
export function rowOf(matrix: NumericArray, row: number, width: number): number[] {
  return toArray(matrix, row * width, (row + 1) * width)
}

/** Column f of a row-major S x F matrix. */
export function columnOf(matrix: NumericArray, column: number, width: number, rows: number): number[] {
  const out = new Array<number>(rows)
  for (let s = 0; s < rows; s++) out[s] = matrix[s * width + column]
  return out
}

/**
 * Bounds of a log axis over columns of positive values (nulls ignored): whole decades around the
 * data, at most `decades` decades below the top, so a few tiny values (round-off, exact zeros of
 * a model) do not squash everything else. undefined when there is no positive value.
 */
export function logAxisBounds(columns: ArrayLike<number | null | undefined>[], decades: number): { min: number; max: number } | undefined {
  let min = Infinity
  let max = 0
  for (const column of columns) {
    for (let i = 0; i < column.length; i++) {
      const v = column[i]
      if (v == null || !(v > 0) || !Number.isFinite(v)) continue
      if (v < min) min = v
      if (v > max) max = v
    }
  }
  if (!(max > 0)) return undefined
  const top = Math.ceil(Math.log10(max) - 1e-9)
  const bottom = Math.max(Math.floor(Math.log10(min) + 1e-9), top - decades)
  return { min: pow10(Math.min(bottom, top - 1)), max: pow10(top) }
}
