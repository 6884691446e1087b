/**
 * The target g and (optionally) the network output f over the domain, at one snapshot.
 * 1-D: curves against x. 2-D: the samples coloured by value (viridis), target only unless the
 * output is given, in which case the output is shown (title says which).
 */
import type { EChartsOption } from 'echarts'
import { AXIS_NAMES, OKABE_ITO, VIRIDIS } from '../chartTheme'
import {
  axisTooltip, dataExtent, formatNumber, gridLayout, insideZoom, legendAbove, namedAxis, tableOf, titleOf, toArray,
  type DataTable, type NumericArray,
} from './chartCommon'

export interface TargetOptionInput {
  /** samples x_i, N x dim row-major */
  points: NumericArray
  /** g(x_i), N values */
  target: NumericArray
  /** f(x_i) at the chosen snapshot, N values */
  output?: NumericArray
  /** dimension of the domain (1 or 2); default: points.length / target.length */
  dim?: number
  title?: string
  /** model time of the output, for the legend */
  t?: number
}

/** The target in neutral grey: readable on the light, dark and paper themes, and not a scale set. */
const TARGET_COLOR = '#7f7f7f'

function dimOf(input: TargetOptionInput): number {
  if (input.dim) return input.dim
  const n = input.target.length
  return n > 0 ? Math.max(1, Math.round(input.points.length / n)) : 1
}

function coordinate(points: NumericArray, dim: number, axis: number): number[] {
  const n = Math.floor(points.length / dim)
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) out[i] = points[i * dim + axis]
  return out
}

function outputName(t: number | undefined): string {
  return t === undefined ? 'network output f(x)' : `network output f(x) at t = ${formatNumber(t, 4)}`
}

export function targetOption(input: TargetOptionInput): EChartsOption {
  const dim = dimOf(input)
  if (dim === 2) return targetOption2d(input)
  const x = coordinate(input.points, 1, 0)
  const names = ['target g(x)', ...(input.output ? [outputName(input.t)] : [])]
  const source: Record<string, number[]> = { x, g: toArray(input.target) }
  if (input.output) source.f = toArray(input.output)
  const series: Record<string, unknown>[] = [
    { type: 'line', name: names[0], encode: { x: 'x', y: 'g' }, showSymbol: false, symbol: 'none', sampling: 'lttb', color: TARGET_COLOR, lineStyle: { type: 'solid' }, z: 2 },
  ]
  if (input.output) {
    series.push({ type: 'line', name: names[1], encode: { x: 'x', y: 'f' }, showSymbol: false, symbol: 'none', sampling: 'lttb', color: OKABE_ITO.vermillion, lineStyle: { type: 'solid' }, z: 3 })
  }
  return {
    animation: false,
    title: titleOf(input.title),
    legend: legendAbove({ title: Boolean(input.title), data: names }),
    grid: gridLayout({ title: Boolean(input.title), legend: true }),
    tooltip: axisTooltip(),
    dataZoom: insideZoom(['x']),
    dataset: { source },
    xAxis: namedAxis(AXIS_NAMES.x, dataExtent(x)),
    yAxis: namedAxis(AXIS_NAMES.targetValue, { position: 'y', scale: true }),
    series,
  } as EChartsOption
}

function targetOption2d(input: TargetOptionInput): EChartsOption {
  const x = coordinate(input.points, 2, 0)
  const y = coordinate(input.points, 2, 1)
  const values = toArray(input.output ?? input.target)
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
  }
  const name = input.output ? outputName(input.t) : 'target g(x, y)'
  return {
    animation: false,
    title: titleOf(input.title ?? name),
    grid: gridLayout({ title: true, right: 96 }),
    tooltip: { trigger: 'item', valueFormatter: (v) => formatNumber(v as number) },
    dataset: { source: { x, y, value: values } },
    xAxis: namedAxis('x', { min: 'dataMin', max: 'dataMax' }),
    yAxis: namedAxis('y', { position: 'y', min: 'dataMin', max: 'dataMax' }),
    visualMap: {
      type: 'continuous', min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 1, dimension: 2,
      inRange: { color: [...VIRIDIS] }, right: 8, top: 'middle', calculable: false, text: [name, ''],
      formatter: (v: unknown) => formatNumber(v as number, 3),
    },
    series: [{ type: 'scatter', name, encode: { x: 'x', y: 'y', tooltip: ['x', 'y', 'value'] }, symbolSize: 4, large: true }],
  } as EChartsOption
}

/** The data of targetOption as a table (CSV export). */
export function targetTable(input: TargetOptionInput): DataTable {
  const dim = dimOf(input)
  const coords: [string, number[]][] = dim === 2
    ? [['x', coordinate(input.points, 2, 0)], ['y', coordinate(input.points, 2, 1)]]
    : [['x', coordinate(input.points, 1, 0)]]
  return tableOf([...coords, ['target_g', toArray(input.target)], ...(input.output ? [['output_f', toArray(input.output)] as [string, number[]]] : [])])
}
