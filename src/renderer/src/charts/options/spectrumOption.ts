/**
 * The spectrum of the target: |P(xi)| and |Q(xi)| (real and imaginary parts of the transform of g
 * restricted to Omega) against xi, on a log axis when they span decades (they usually do).
 */
import type { EChartsOption } from 'echarts'
import { AXIS_NAMES, OKABE_ITO } from '../chartTheme'
import {
  absForLog, axisTooltip, dataExtent, finiteExtent, logAxisBounds, gridLayout, insideZoom, legendAbove, markedLine, namedAxis, spansDecades, tableOf, titleOf, toArray,
  type DataTable, type NumericArray,
} from './chartCommon'

export interface SpectrumOptionInput {
  /** cycles per unit length, F values */
  xi: NumericArray
  /** Re of the transform, F values */
  P: NumericArray
  /** Im of the transform, F values */
  Q: NumericArray
  title?: string
  markedXi?: number
  /** how many decades below the largest value the log axis shows (default 8) */
  decades?: number
}

function isAllZero(values: NumericArray): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false
  return true
}

export function spectrumOption(input: SpectrumOptionInput): EChartsOption {
  const xi = toArray(input.xi)
  const absP = absForLog(input.P)
  const absQ = absForLog(input.Q)
  const showP = !isAllZero(input.P)
  const showQ = !isAllZero(input.Q)
  const shown = [...(showP ? [absP] : []), ...(showQ ? [absQ] : [])]
  const log = spansDecades(shown, 2)
  const source: Record<string, (number | null)[]> = { xi, absP: log ? absP : toArray(input.P).map(Math.abs), absQ: log ? absQ : toArray(input.Q).map(Math.abs) }
  const names: string[] = []
  const series: Record<string, unknown>[] = []
  const mark = markedLine(input.markedXi, 'picked xi', finiteExtent(xi))
  if (showQ) {
    names.push('|Q(xi)| (odd part, Im)')
    series.push({ type: 'line', name: names[names.length - 1], encode: { x: 'xi', y: 'absQ' }, showSymbol: false, symbol: 'none', sampling: 'lttb', connectNulls: false, color: OKABE_ITO.blue, lineStyle: { type: 'solid' } })
  }
  if (showP) {
    names.push('|P(xi)| (even part, Re)')
    series.push({ type: 'line', name: names[names.length - 1], encode: { x: 'xi', y: 'absP' }, showSymbol: false, symbol: 'none', sampling: 'lttb', connectNulls: false, color: OKABE_ITO.orange, lineStyle: { type: 'solid' } })
  }
  if (series.length > 0 && mark) series[0].markLine = mark
  const bounds = log ? logAxisBounds(shown, input.decades ?? 8) : undefined
  return {
    animation: false,
    title: titleOf(input.title),
    legend: legendAbove({ title: Boolean(input.title), data: names }),
    grid: gridLayout({ title: Boolean(input.title), legend: true }),
    tooltip: axisTooltip(),
    dataZoom: insideZoom(['x']),
    dataset: { source },
    xAxis: namedAxis(AXIS_NAMES.xi, dataExtent(xi)),
    yAxis: namedAxis(AXIS_NAMES.spectrum, { position: 'y', log, ...(bounds ?? {}) }),
    series,
  } as EChartsOption
}

/** The data of spectrumOption as a table (CSV export): signed P and Q. */
export function spectrumTable(input: SpectrumOptionInput): DataTable {
  return tableOf([['xi', toArray(input.xi)], ['P', toArray(input.P)], ['Q', toArray(input.Q)]])
}
