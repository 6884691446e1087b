/**
 * The training loss 1/2 sum_i q_i (f(x_i) - g(x_i))^2 against model time t = step x learning
 * rate, on a log axis when it spans two decades or more.
 */
import type { EChartsOption } from 'echarts'
import { AXIS_NAMES, OKABE_ITO } from '../chartTheme'
import {
  axisTooltip, gridLayout, insideZoom, legendAbove, namedAxis, spansDecades, tableOf, titleOf, toArray,
  type DataTable, type NumericArray,
} from './chartCommon'

export interface LossOptionInput {
  /** gradient-descent step of each value */
  steps: NumericArray
  loss: NumericArray
  learningRate: number
  title?: string
  /** marks the snapshot the slider shows */
  markedTime?: number
  /** force a log axis (default: when the loss spans two decades) */
  log?: boolean
  /** end of the time axis (a streaming run: its final model time), default the last value */
  tMax?: number
}

export function lossOption(input: LossOptionInput): EChartsOption {
  const n = Math.min(input.steps.length, input.loss.length)
  const t = new Array<number>(n)
  for (let i = 0; i < n; i++) t[i] = input.steps[i] * input.learningRate
  const loss = toArray(input.loss, 0, n)
  const positive = loss.every((v) => v > 0)
  const log = positive && (input.log ?? spansDecades([loss], 2))
  const mark = input.markedTime !== undefined && Number.isFinite(input.markedTime)
    ? {
      silent: true, symbol: 'none', animation: false, lineStyle: { type: 'solid', color: '#888888', width: 1 },
      label: { show: false }, data: [{ xAxis: input.markedTime }],
    }
    : undefined
  return {
    animation: false,
    title: titleOf(input.title ?? 'Loss'),
    legend: legendAbove({ title: true, data: ['training loss'] }),
    grid: gridLayout({ title: true, legend: true }),
    tooltip: axisTooltip(),
    dataZoom: insideZoom(['x']),
    dataset: { source: { t, step: toArray(input.steps, 0, n), loss } },
    xAxis: namedAxis(AXIS_NAMES.t, { min: 0, max: input.tMax ?? (n > 0 && t[n - 1] > 0 ? t[n - 1] : 'dataMax') }),
    yAxis: namedAxis('loss', { position: 'y', log, scale: !log }),
    series: [{
      type: 'line', name: 'training loss', encode: { x: 't', y: 'loss', tooltip: ['step', 'loss'] }, showSymbol: false, symbol: 'none',
      sampling: 'lttb', progressive: 2000, color: OKABE_ITO.blue, lineStyle: { type: 'solid' }, ...(mark ? { markLine: mark } : {}),
    }],
  } as EChartsOption
}

/** The data of lossOption as a table (CSV export). */
export function lossTable(input: LossOptionInput): DataTable {
  const n = Math.min(input.steps.length, input.loss.length)
  const t = new Array<number>(n)
  for (let i = 0; i < n; i++) t[i] = input.steps[i] * input.learningRate
  return tableOf([['step', toArray(input.steps, 0, n)], ['t', t], ['loss', toArray(input.loss, 0, n)]])
}
