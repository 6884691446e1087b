/**
 * Parallel coordinates of a sweep (issue 4, Results): one vertical axis per sweep axis, then the
 * chosen metric; each point is a polyline through its values, coloured by the metric (viridis;
 * by log10 of the metric when it spans two decades or more, and then the metric axis is log too).
 * Axes of values that are not numbers (scale lists), and axes of a few integers (seeds, widths:
 * at most PARALLEL_CATEGORY_LIMIT values), are category axes in the sweep's order, evenly spaced;
 * other numeric axes are value axes (log where they span two decades).
 * Points without a finite value of the metric are left out and counted in the subtitle.
 */
import type { EChartsOption } from 'echarts'
import type { SweepTableRow } from '../../../../shared/api/workbenchApi'
import { paramCell, type SweepCellValue } from '../../../../shared/sweep/sweepTableColumns'
import { VIRIDIS } from '../chartTheme'
import { formatNumber, formatTick, logAxisBounds, spansDecades, titleOf } from './chartCommon'
import { isCategoricalAxis, spansDecadesPositive, valueLabel, type SweepAxisInput, type SweepFigure, type SweepYScale } from './sweepMetricOption'

/** Integer axes of at most this many values are drawn as categories (evenly spaced ticks, one per value). */
export const PARALLEL_CATEGORY_LIMIT = 12

/** Whether a parallel axis shows its values as categories. */
export function isParallelCategory(values: readonly unknown[]): boolean {
  return isCategoricalAxis(values) || (values.length <= PARALLEL_CATEGORY_LIMIT && values.every((value) => Number.isInteger(value)))
}

export interface SweepParallelInput {
  rows: readonly SweepTableRow[]
  axes: readonly SweepAxisInput[]
  metric: { key: string; label: string; value(row: SweepTableRow): SweepCellValue }
  yScale?: SweepYScale
  title?: string
  /**
   * The background the chart is drawn on (default white, as on paper): axis labels get a halo of
   * it, so the polylines crossing an axis never hide its values.
   */
  background?: string
}

export function sweepParallelOption(input: SweepParallelInput): SweepFigure {
  const { axes, metric } = input
  const categorical = axes.map((axis) => isParallelCategory(axis.values))
  const finite: { row: SweepTableRow; value: number }[] = []
  let omitted = 0
  for (const row of input.rows) {
    const value = metric.value(row)
    if (typeof value === 'number' && Number.isFinite(value)) finite.push({ row, value })
    else omitted++
  }
  const values = finite.map((entry) => entry.value)
  const log = input.yScale === 'log' || (input.yScale !== 'linear' && values.length > 0 && values.every((v) => v > 0) && spansDecades([values], 2))
  const drawn = log ? finite.filter((entry) => entry.value > 0) : finite
  omitted += finite.length - drawn.length
  const metricDim = axes.length
  const colourDim = axes.length + 1

  const data = drawn.map(({ row, value }) => [
    ...axes.map((axis, k) => (categorical[k] ? valueLabel(row.params[axis.path]) : (row.params[axis.path] as number))),
    value,
    log ? Math.log10(value) : value,
  ])
  const colours = drawn.map(({ value }) => (log ? Math.log10(value) : value))
  const colourMin = colours.length ? Math.min(...colours) : 0
  const colourMax = colours.length ? Math.max(...colours) : 1
  const bounds = log ? logAxisBounds([drawn.map((entry) => entry.value)], 12) : undefined

  const parallelAxis: Record<string, unknown>[] = axes.map((axis, k) => {
    if (categorical[k]) return { dim: k, name: axis.path, type: 'category', data: axis.values.map(valueLabel) }
    const axisLog = spansDecadesPositive(axis.values)
    return {
      dim: k, name: axis.path, type: axisLog ? 'log' : 'value', scale: !axisLog,
      ...(axisLog ? logAxisBounds([axis.values as number[]], 12) : {}),
      axisLabel: { formatter: (v: number) => formatTick(v), textBorderColor: input.background ?? '#ffffff', textBorderWidth: 3 },
    }
  })
  parallelAxis.push({
    dim: metricDim, name: metric.label, type: log ? 'log' : 'value', scale: !log, ...(bounds ?? {}),
    axisLabel: { formatter: (v: number) => formatTick(v), textBorderColor: input.background ?? '#ffffff', textBorderWidth: 3 },
    nameTextStyle: { fontWeight: 'bold' },
  })

  const note = omitted > 0 ? `${omitted} point${omitted === 1 ? '' : 's'} without a finite value not drawn` : ''
  const titleBlock = titleOf(input.title ?? `Parallel coordinates: ${axes.map((axis) => axis.path).join(', ')} and ${metric.label}`) as Record<string, unknown>
  const option: EChartsOption = {
    animation: false,
    // always two titles: a chart updated in place must lose an old note (title entries merge by position)
    title: [titleBlock, { text: note, left: 'center', top: 24, textStyle: { fontSize: 11, fontWeight: 'normal' } }],
    parallel: {
      left: 70, right: 130, top: note ? 90 : 76, bottom: 36,
      parallelAxisDefault: {
        nameLocation: 'end', nameGap: 14, nameTextStyle: { fontSize: 12 },
        axisLabel: { hideOverlap: true, textBorderColor: input.background ?? '#ffffff', textBorderWidth: 3 },
      },
    },
    // axes and their labels above the polylines (series z is 2), so a line never hides a value
    parallelAxis: parallelAxis.map((axis) => ({ ...axis, z: 10 })),
    visualMap: {
      type: 'continuous', dimension: colourDim, min: colourMin, max: colourMax > colourMin ? colourMax : colourMin + 1,
      inRange: { color: [...VIRIDIS] }, calculable: true, orient: 'vertical', right: 14, top: 'middle', itemHeight: 160,
      text: [log ? 'log10' : '', ''], textGap: 6,
      formatter: (value: number) => formatNumber(value, 3),
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params: unknown) => {
        const item = params as { value: (number | string)[] }
        return [...axes.map((axis, k) => `${axis.path} = ${typeof item.value[k] === 'number' ? formatNumber(item.value[k] as number) : item.value[k]}`),
          `${metric.label} = ${formatNumber(item.value[metricDim] as number)}`].join('<br/>')
      },
    },
    series: [{
      type: 'parallel', name: metric.label, data, smooth: false,
      lineStyle: { width: 1.5, opacity: drawn.length > 200 ? 0.35 : 0.75 },
      emphasis: { lineStyle: { width: 3, opacity: 1 } },
      progressive: 500,
    }],
  } as EChartsOption
  return {
    option,
    columns: [...axes.map((axis) => axis.path), metric.key],
    rows: drawn.map(({ row, value }) => [...axes.map((axis) => paramCell(row.params[axis.path])), value]),
    omitted,
  }
}
