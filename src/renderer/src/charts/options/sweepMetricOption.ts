/**
 * A sweep's summary chart "metric against one axis, grouped by another" (issue 4, Results): one
 * line with markers per value of the group axis (Okabe-Ito colours), the metric on y (log when
 * its values span two decades or more, or when asked), the x axis a category axis for values that
 * are not numbers (scale lists such as [1, 2, 4]) and a value axis otherwise (log when positive
 * and spanning two decades).
 *
 * Where several points share an x and a group (the other axes, e.g. seeds), the line goes through
 * their mean and each point is also drawn as a faint marker of the same colour (same series name,
 * so the legend toggles both). Points without a finite value (pending, failed, a decay time never
 * reached) are left out and counted in the subtitle.
 */
import type { EChartsOption } from 'echarts'
import type { SweepTableRow } from '../../../../shared/api/workbenchApi'
import { paramCell, type SweepCellValue } from '../../../../shared/sweep/sweepTableColumns'
import { scaleSetColor } from '../chartTheme'
import { formatNumber, formatTick, legendAbove, logAxisBounds, namedAxis, spansDecades, titleOf } from './chartCommon'

export type SweepYScale = 'auto' | 'linear' | 'log'

export interface SweepAxisInput {
  path: string
  /** the axis values in the sweep's order */
  values: readonly unknown[]
}

export interface SweepMetricInput {
  rows: readonly SweepTableRow[]
  x: SweepAxisInput
  /** absent: one line through every point */
  group?: SweepAxisInput
  metric: { key: string; label: string; value(row: SweepTableRow): SweepCellValue }
  yScale?: SweepYScale
  title?: string
}

/** The chart and the data it draws, one line per drawn marker (for the figure's CSV). */
export interface SweepFigure {
  option: EChartsOption
  columns: string[]
  rows: (number | string | null)[][]
  /** points left out: no finite value of the metric */
  omitted: number
}

/** An axis value as a label: numbers as they are, lists and objects as compact JSON. */
export function valueLabel(value: unknown): string {
  const cell = paramCell(value)
  return cell === null ? '—' : typeof cell === 'number' ? formatNumber(cell, 6) : cell
}

/** Whether an axis is drawn as categories (some value is not a finite number). */
export function isCategoricalAxis(values: readonly unknown[]): boolean {
  return values.some((value) => typeof value !== 'number' || !Number.isFinite(value))
}

/** Whether numeric axis values are all positive and span `decades` decades or more (then log). */
export function spansDecadesPositive(values: readonly unknown[], decades = 2): boolean {
  const numbers = values.filter((value): value is number => typeof value === 'number')
  if (numbers.length < 2 || numbers.some((value) => !(value > 0))) return false
  return Math.log10(Math.max(...numbers) / Math.min(...numbers)) >= decades
}

/** The y axis name of a metric column: its label, with the unit where the label has none. */
export function metricAxisName(metric: { key: string; label: string }): string {
  if (metric.key === 'finalErrorNorm') return `${metric.label}  (final error on the band)`
  if (metric.key.startsWith('decayTime')) return `${metric.label}  (t, model time)`
  if (metric.key.startsWith('rel') || metric.key.startsWith('finalRel')) return `${metric.label}  (model vs training)`
  return metric.label
}

export function sweepMetricOption(input: SweepMetricInput): SweepFigure {
  const { x, group, metric } = input
  const categorical = isCategoricalAxis(x.values)
  const xKeys = x.values.map(paramCell)
  const groupValues = group ? group.values : [undefined]
  const groupKeys = groupValues.map((value) => (group ? paramCell(value) : null))
  // (group, x) -> the finite metric values of its points
  const cells = groupKeys.map(() => xKeys.map(() => [] as number[]))
  let omitted = 0
  for (const row of input.rows) {
    const xi = xKeys.indexOf(paramCell(row.params[x.path]))
    const gi = group ? groupKeys.indexOf(paramCell(row.params[group.path])) : 0
    const value = metric.value(row)
    if (xi < 0 || gi < 0 || typeof value !== 'number' || !Number.isFinite(value)) {
      omitted++
      continue
    }
    cells[gi][xi].push(value)
  }

  const means = cells.map((line) => line.map((values) => (values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : null)))
  const allValues = cells.flat(2)
  const log = input.yScale === 'log' || (input.yScale !== 'linear' && allValues.every((v) => v > 0) && spansDecades([allValues], 2))
  const usable = log ? allValues.filter((v) => v > 0) : allValues
  if (log) omitted += allValues.length - usable.length
  const xLog = !categorical && spansDecadesPositive(x.values)
  const spread = cells.some((line) => line.some((values) => values.length > 1))

  const groupName = (gi: number): string => (group ? `${group.path} = ${valueLabel(groupValues[gi])}` : metric.label)
  const xOf = (xi: number): number | string => (categorical ? valueLabel(x.values[xi]) : (x.values[xi] as number))
  const series: Record<string, unknown>[] = []
  const csvRows: (number | string | null)[][] = []
  means.forEach((line, gi) => {
    const color = scaleSetColor(gi)
    const data = line.map((mean, xi) => [xOf(xi), mean === null || (log && !(mean > 0)) ? null : mean, cells[gi][xi].length])
    series.push({
      type: 'line', name: groupName(gi), data, color, showSymbol: true, symbol: 'circle', symbolSize: 7, connectNulls: false,
      emphasis: { focus: 'series' },
    })
    if (spread) {
      const points: [number | string, number][] = []
      line.forEach((_mean, xi) => {
        for (const value of cells[gi][xi]) if (!log || value > 0) points.push([xOf(xi), value])
      })
      series.push({ type: 'scatter', name: groupName(gi), data: points, color, symbolSize: 5, itemStyle: { opacity: 0.45 }, silent: true, tooltip: { show: false } })
    }
    line.forEach((mean, xi) => {
      csvRows.push([paramCell(x.values[xi]), group ? paramCell(groupValues[gi]) : null, mean, cells[gi][xi].length])
    })
  })

  const bounds = log ? logAxisBounds([usable], 12) : undefined
  const notes: string[] = []
  if (spread) notes.push('lines: mean of the points sharing x and group; faint markers: each point')
  if (omitted > 0) notes.push(`${omitted} point${omitted === 1 ? '' : 's'} without a finite value not drawn`)
  const title = input.title ?? `${metric.label} against ${x.path}${group ? `, by ${group.path}` : ''}`
  const titleBlock = titleOf(title) as Record<string, unknown>
  const hasNote = notes.length > 0
  const legendTop = hasNote ? 44 : 28
  const option: EChartsOption = {
    animation: false,
    // always two titles: a chart updated in place must lose an old note (title entries merge by position)
    title: [titleBlock, { text: notes.join('; '), left: 'center', top: 24, textStyle: { fontSize: 11, fontWeight: 'normal' } }],
    legend: { ...(legendAbove({ title: true, data: series.filter((s) => s.type === 'line').map((s) => s.name as string) }) as object), top: legendTop },
    grid: { top: legendTop + 40, left: 80, right: 32, bottom: 56 },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params: unknown) => {
        const item = params as { seriesName: string; marker: string; value: [number | string, number | null, number?] }
        const [xv, yv, n] = item.value
        const count = n !== undefined && n > 1 ? ` (mean of ${n})` : ''
        return `${item.marker}${item.seriesName}<br/>${x.path} = ${typeof xv === 'number' ? formatNumber(xv) : xv}<br/>${metric.label} = ${formatNumber(yv)}${count}`
      },
    },
    xAxis: categorical
      ? {
        type: 'category', name: x.path, nameLocation: 'middle', nameGap: 30, boundaryGap: true,
        data: x.values.map(valueLabel), axisLine: { onZero: false }, axisTick: { alignWithLabel: true },
      }
      : {
        ...namedAxis(x.path, { log: xLog, scale: !xLog }),
        ...(xLog ? logAxisBounds([x.values as number[]], 12) : {}),
      },
    yAxis: log
      ? namedAxis(metricAxisName(metric), { position: 'y', log: true, ...(bounds ?? {}) })
      : { ...namedAxis(metricAxisName(metric), { position: 'y', scale: true }), axisLabel: { formatter: (value: number) => formatTick(value), hideOverlap: true } },
    series,
  } as EChartsOption
  return {
    option,
    columns: [x.path, group?.path ?? 'group', `mean ${metric.key}`, 'points'],
    rows: csvRows,
    omitted,
  }
}
