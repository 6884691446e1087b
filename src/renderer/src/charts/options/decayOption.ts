/**
 * Decay curves |Q(xi_k, t)| against model time t at the frequencies the user picked: one colour
 * per frequency (Okabe-Ito), training solid, diffusion dashed, NTK dotted, log y. The legend has
 * one entry per frequency (toggling all its curves); the subtitle gives the line-style key, and
 * the tooltip names each curve's source.
 */
import type { EChartsOption } from 'echarts'
import { AXIS_NAMES, SOURCE_LABEL, SOURCE_LINE_TYPE, scaleSetColor, type CurveSource } from '../chartTheme'
import {
  absForLog, dataExtent, formatNumber, markerLabelPosition, logAxisBounds, gridLayout, insideZoom, legendAbove, namedAxis, tableOf, titleOf, toArray,
  type DataTable, type NumericArray,
} from './chartCommon'

export interface DecayCurve {
  /** the frequency, cycles per unit length */
  xi: number
  /** the spectrum part at xi over the snapshots, S values each */
  training?: NumericArray
  diffusion?: NumericArray
  ntk?: NumericArray
}

export interface DecayOptionInput {
  /** model times of the snapshots, S values */
  times: NumericArray
  curves: DecayCurve[]
  part?: 'Q' | 'P'
  title?: string
  /** marks the snapshot the slider shows */
  markedTime?: number
  /** colour index of each curve (default: its position) */
  colorOffset?: number
  yMin?: number
  yMax?: number
  /** training rows filled so far (live runs) */
  rows?: number
}

const SOURCES: CurveSource[] = ['training', 'diffusion', 'ntk']

export function decayOption(input: DecayOptionInput): EChartsOption {
  const part = input.part ?? 'Q'
  const times = toArray(input.times)
  const source: Record<string, (number | null)[]> = { t: times }
  const series: Record<string, unknown>[] = []
  const columns: (number | null)[][] = []
  const labels: string[] = []
  const sourcesUsed = new Set<CurveSource>()
  const tExtent = dataExtent(times)
  input.curves.forEach((curve, k) => {
    const color = scaleSetColor(k + (input.colorOffset ?? 0))
    for (const name of SOURCES) {
      const values = curve[name]
      if (!values) continue
      const end = name === 'training' && input.rows !== undefined ? Math.min(input.rows, values.length) : values.length
      const column = absForLog(values, 0, end)
      const key = `${name}@${k}`
      source[key] = column
      columns.push(column)
      sourcesUsed.add(name)
      labels.push(`xi = ${formatNumber(curve.xi, 6)}, ${SOURCE_LABEL[name]}`)
      series.push({
        type: 'line',
        name: frequencyName(curve.xi),
        encode: { x: 't', y: key },
        showSymbol: times.length <= 12,
        symbolSize: 4,
        connectNulls: false,
        color,
        lineStyle: { type: SOURCE_LINE_TYPE[name] },
      })
    }
  })
  if (series.length > 0 && input.markedTime !== undefined && Number.isFinite(input.markedTime)) {
    series[0].markLine = {
      silent: true, symbol: 'none', animation: false,
      lineStyle: { type: 'solid', color: '#888888', width: 1 },
      label: {
        formatter: `t = ${formatNumber(input.markedTime, 4)}`,
        position: typeof tExtent.min === 'number' && typeof tExtent.max === 'number' ? markerLabelPosition(input.markedTime, tExtent.min, tExtent.max) : 'insideEndTop',
      },
      data: [{ xAxis: input.markedTime }],
    }
  }
  const bounds = logAxisBounds(columns, 8)
  const yMin = input.yMin ?? bounds?.min
  const yMax = input.yMax ?? bounds?.max
  const key = SOURCES.filter((name) => sourcesUsed.has(name)).map((name) => `${SOURCE_LINE_TYPE[name]}: ${SOURCE_LABEL[name]}`).join('   ')
  const title = titleOf(input.title ?? `|${part}(xi_k, t)| against t`) as Record<string, unknown>
  return {
    animation: false,
    // the title, then the line-style key on its own line, then the legend of frequencies
    title: [title, { text: key, left: 'center', top: 24, textStyle: { fontSize: 11, fontWeight: 'normal' } }],
    legend: { ...(legendAbove({ title: true, data: [...new Set(series.map((s) => s.name as string))] }) as object), top: 44 },
    grid: { ...(gridLayout({ title: true, legend: true }) as object), top: 84 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: unknown) => {
        const items = (Array.isArray(params) ? params : [params]) as { seriesIndex: number; marker: string; axisValue: unknown; value: unknown; encode?: { y?: number[] } }[]
        if (items.length === 0) return ''
        const t = Number(items[0].axisValue)
        const lines = items.map((item) => {
          const row = item.value as Record<string, number | null> | (number | null)[]
          const y = series[item.seriesIndex]?.encode as { y: string } | undefined
          const value = y && row && !Array.isArray(row) ? row[y.y] : Array.isArray(row) && item.encode?.y ? row[item.encode.y[0]] : null
          return `${item.marker}${labels[item.seriesIndex]}: ${value == null ? '–' : formatNumber(value)}`
        })
        return [`t = ${formatNumber(t)}`, ...lines].join('<br/>')
      },
    },
    dataZoom: insideZoom(['x']),
    dataset: { source },
    xAxis: namedAxis(AXIS_NAMES.t, tExtent),
    yAxis: namedAxis(part === 'P' ? AXIS_NAMES.absP : AXIS_NAMES.absQ, {
      position: 'y', log: true, ...(yMin !== undefined ? { min: yMin } : {}), ...(yMax !== undefined ? { max: yMax } : {}),
    }),
    series,
  } as EChartsOption
}

function frequencyName(xi: number): string {
  return `xi = ${formatNumber(xi, 4)}`
}

/** The data of decayOption as a table (CSV export): t and each curve's signed values. */
export function decayTable(input: DecayOptionInput): DataTable {
  const part = input.part ?? 'Q'
  const columns: [string, number[]][] = [['t', toArray(input.times)]]
  for (const curve of input.curves) {
    for (const name of SOURCES) {
      const values = curve[name]
      if (values) columns.push([`${name}_${part}(xi=${curve.xi})`, toArray(values)])
    }
  }
  return tableOf(columns)
}
