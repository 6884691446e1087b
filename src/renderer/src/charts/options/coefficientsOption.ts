/**
 * The diffusion-model coefficients R(xi) and D(xi) (spec section 4) against xi: real and
 * imaginary parts, identically zero parts left out of the plot (they stay in the CSV). They decay
 * over many decades with xi, so the axis is log10 of |value| when they span three decades or more
 * (the series names then say |.|); otherwise signed values on a linear axis.
 */
import type { EChartsOption } from 'echarts'
import { AXIS_NAMES, OKABE_ITO } from '../chartTheme'
import {
  absForLog, axisTooltip, dataExtent, finiteExtent, logAxisBounds, gridLayout, insideZoom, legendAbove, markedLine, namedAxis, spansDecades, tableOf, titleOf, toArray,
  type DataTable, type NumericArray,
} from './chartCommon'

export interface CoefficientArrays {
  Rre: NumericArray
  Rim: NumericArray
  Dre: NumericArray
  Dim: NumericArray
}

export interface CoefficientsOptionInput {
  /** cycles per unit length, F values */
  xi: NumericArray
  coefficients: CoefficientArrays
  title?: string
  markedXi?: number
  /** decades shown below the largest value on a log axis (default 12) */
  decades?: number
}

// Solid lines throughout (dashes and dots mean model sources elsewhere): one colour per part.
const PARTS: { key: keyof CoefficientArrays; label: string; color: string }[] = [
  { key: 'Rre', label: 'Re R(xi)', color: OKABE_ITO.skyBlue },
  { key: 'Rim', label: 'Im R(xi)', color: OKABE_ITO.blue },
  { key: 'Dre', label: 'Re D(xi)', color: OKABE_ITO.orange },
  { key: 'Dim', label: 'Im D(xi)', color: OKABE_ITO.vermillion },
]

function hasNonZero(values: NumericArray): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && Number.isFinite(values[i])) return true
  return false
}

export function coefficientsOption(input: CoefficientsOptionInput): EChartsOption {
  const shownParts = PARTS.filter((part) => hasNonZero(input.coefficients[part.key]))
  const absColumns = shownParts.map((part) => absForLog(input.coefficients[part.key]))
  const log = spansDecades(absColumns, 3)
  const source: Record<string, (number | null)[]> = { xi: toArray(input.xi) }
  shownParts.forEach((part, k) => {
    source[part.key] = log ? absColumns[k] : toArray(input.coefficients[part.key])
  })
  const mark = markedLine(input.markedXi, 'picked xi', finiteExtent(input.xi))
  const series = shownParts.map((part, k) => ({
    type: 'line',
    name: log ? `|${part.label}|` : part.label,
    encode: { x: 'xi', y: part.key },
    showSymbol: false, symbol: 'none',
    sampling: 'lttb',
    color: part.color,
    lineStyle: { type: 'solid' },
    ...(k === 0 && mark ? { markLine: mark } : {}),
  }))
  const bounds = log ? logAxisBounds(absColumns, input.decades ?? 12) : undefined
  return {
    animation: false,
    title: titleOf(input.title),
    legend: legendAbove({ title: Boolean(input.title), data: series.map((s) => s.name) }),
    grid: gridLayout({ title: Boolean(input.title), legend: true }),
    tooltip: axisTooltip(),
    dataZoom: insideZoom(['x']),
    dataset: { source },
    xAxis: namedAxis(AXIS_NAMES.xi, dataExtent(input.xi)),
    yAxis: namedAxis(log ? '|R(xi)|, |D(xi)|' : 'R(xi), D(xi)', { position: 'y', log, ...(bounds ?? {}) }),
    series,
  } as EChartsOption
}

/** The data of coefficientsOption as a table (CSV export): all four parts, signed. */
export function coefficientsTable(input: CoefficientsOptionInput): DataTable {
  const c = input.coefficients
  return tableOf([['xi', toArray(input.xi)], ['Rre', toArray(c.Rre)], ['Rim', toArray(c.Rim)], ['Dre', toArray(c.Dre)], ['Dim', toArray(c.Dim)]])
}
