/**
 * |Q(xi, t)| (or |P|) at one snapshot: training (solid), the diffusion model (dashed) and the NTK
 * prediction (dotted) overlaid in the run's scale-set colour, on a log axis (the error spans
 * decades across xi). Zeros are gaps, not fake values.
 */
import type { EChartsOption } from 'echarts'
import { AXIS_NAMES, SOURCE_LABEL, SOURCE_LINE_TYPE, scaleSetColor, type CurveSource } from '../chartTheme'
import {
  absForLog, axisTooltip, dataExtent, finiteExtent, logAxisBounds, formatNumber, gridLayout, insideZoom, legendAbove, markedLine, namedAxis, tableOf, titleOf, toArray,
  type DataTable, type NumericArray,
} from './chartCommon'

export interface SnapshotOptionInput {
  /** cycles per unit length, F values */
  xi: NumericArray
  /** the spectrum part of the training error at this snapshot, F values */
  training?: NumericArray
  diffusion?: NumericArray
  ntk?: NumericArray
  /** model time of the snapshot */
  t: number
  part: 'Q' | 'P'
  markedXi?: number
  title?: string
  /** colour of the run's scale set (default: the first Okabe-Ito colour) */
  color?: string
  /** a common y range (log axis) when charts are compared side by side */
  yMin?: number
  yMax?: number
  /** decades shown below the largest value (default 8) */
  decades?: number
}

const SOURCES: CurveSource[] = ['training', 'diffusion', 'ntk']

export function snapshotOption(input: SnapshotOptionInput): EChartsOption {
  const color = input.color ?? scaleSetColor(0)
  const source: Record<string, (number | null)[]> = { xi: toArray(input.xi) }
  const series: Record<string, unknown>[] = []
  const columns: (number | null)[][] = []
  const xiExtent = dataExtent(input.xi)
  const mark = markedLine(input.markedXi, 'picked xi', finiteExtent(input.xi))
  for (const name of SOURCES) {
    const values = input[name]
    if (!values) continue
    const column = absForLog(values)
    source[name] = column
    columns.push(column)
    series.push({
      type: 'line',
      name: SOURCE_LABEL[name],
      encode: { x: 'xi', y: name },
      showSymbol: false, symbol: 'none',
      sampling: 'lttb',
      connectNulls: false,
      color,
      lineStyle: { type: SOURCE_LINE_TYPE[name] },
      z: name === 'training' ? 2 : 3,
      ...(series.length === 0 && mark ? { markLine: mark } : {}),
    })
  }
  const bounds = logAxisBounds(columns, input.decades ?? 8)
  const yMin = input.yMin ?? bounds?.min
  const yMax = input.yMax ?? bounds?.max
  const title = input.title ?? `|${input.part}(xi, t)| at t = ${formatNumber(input.t, 4)}`
  return {
    animation: false,
    title: titleOf(title),
    legend: legendAbove({ title: true, data: series.map((s) => s.name as string), lineStyles: true }),
    grid: gridLayout({ title: true, legend: true }),
    tooltip: axisTooltip(),
    dataZoom: insideZoom(['x']),
    dataset: { source },
    xAxis: namedAxis(AXIS_NAMES.xi, xiExtent),
    yAxis: namedAxis(input.part === 'P' ? AXIS_NAMES.absP : AXIS_NAMES.absQ, {
      position: 'y', log: true, ...(yMin !== undefined ? { min: yMin } : {}), ...(yMax !== undefined ? { max: yMax } : {}),
    }),
    series,
  } as EChartsOption
}

/** The data of snapshotOption as a table (CSV export): signed values of each source. */
export function snapshotTable(input: SnapshotOptionInput): DataTable {
  const columns: [string, number[]][] = [['xi', toArray(input.xi)]]
  for (const name of SOURCES) {
    const values = input[name]
    if (values) columns.push([`${name}_${input.part}`, toArray(values)])
  }
  return tableOf(columns)
}
