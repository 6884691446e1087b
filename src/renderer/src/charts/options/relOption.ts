/**
 * rel(t): how far each model's prediction is from the training error, relative to it (spec
 * section 6), against model time: the diffusion model dashed, the NTK prediction dotted.
 */
import type { EChartsOption } from 'echarts'
import { AXIS_NAMES, SOURCE_LABEL, SOURCE_LINE_TYPE, scaleSetColor } from '../chartTheme'
import {
  axisTooltip, dataExtent, gridLayout, insideZoom, legendAbove, namedAxis, tableOf, titleOf, toArray,
  type DataTable, type NumericArray,
} from './chartCommon'

export interface RelOptionInput {
  /** model times of the snapshots */
  times: NumericArray
  rel: { diffusion?: ArrayLike<number | null>; ntk?: ArrayLike<number | null> }
  title?: string
  color?: string
  markedTime?: number
  /** a common y maximum when charts are compared side by side */
  yMax?: number
}

const MODELS = ['diffusion', 'ntk'] as const

function column(values: ArrayLike<number | null>, n: number): (number | null)[] {
  const out = new Array<number | null>(n)
  for (let i = 0; i < n; i++) {
    const v = i < values.length ? values[i] : null
    out[i] = v == null || !Number.isFinite(v) ? null : v
  }
  return out
}

export function relOption(input: RelOptionInput): EChartsOption {
  const times = toArray(input.times)
  const color = input.color ?? scaleSetColor(0)
  const source: Record<string, (number | null)[]> = { t: times }
  const series: Record<string, unknown>[] = []
  for (const model of MODELS) {
    const values = input.rel[model]
    if (!values) continue
    source[model] = column(values, times.length)
    series.push({
      type: 'line', name: `rel(t), ${SOURCE_LABEL[model]}`, encode: { x: 't', y: model }, showSymbol: times.length <= 24,
      symbolSize: 5, connectNulls: false, color, lineStyle: { type: SOURCE_LINE_TYPE[model] },
    })
  }
  if (series.length > 0 && input.markedTime !== undefined && Number.isFinite(input.markedTime)) {
    series[0].markLine = {
      silent: true, symbol: 'none', animation: false, lineStyle: { type: 'solid', color: '#888888', width: 1 },
      label: { show: false }, data: [{ xAxis: input.markedTime }],
    }
  }
  return {
    animation: false,
    title: titleOf(input.title ?? 'rel(t)'),
    legend: legendAbove({ title: true, data: series.map((s) => s.name as string), lineStyles: true }),
    grid: gridLayout({ title: true, legend: true }),
    tooltip: axisTooltip(),
    dataZoom: insideZoom(['x']),
    dataset: { source },
    xAxis: namedAxis(AXIS_NAMES.t, dataExtent(times)),
    yAxis: namedAxis(AXIS_NAMES.rel, { position: 'y', min: 0, ...(input.yMax !== undefined ? { max: input.yMax } : {}) }),
    series,
  } as EChartsOption
}

/** The data of relOption as a table (CSV export). */
export function relTable(input: RelOptionInput): DataTable {
  const n = input.times.length
  const columns: [string, ArrayLike<number | null>][] = [['t', toArray(input.times)]]
  for (const model of MODELS) {
    const values = input.rel[model]
    if (values) columns.push([`rel_${model}`, column(values, n)])
  }
  return tableOf(columns)
}
