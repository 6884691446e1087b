// The sweep summary charts (issue 4, Results): metric against an axis grouped by another, and
// parallel coordinates. Pure builders: rows in, EChartsOption out; the values checked here are
// the rows' own (means computed by hand below), the axes' types and names, and what is left out.
import { describe, expect, it } from 'vitest'
import type { SweepTableRow } from '../../../src/shared/api/workbenchApi'
import { sweepTableColumns } from '../../../src/shared/sweep/sweepTableColumns'
import { VIRIDIS, scaleSetColor } from '../../../src/renderer/src/charts/chartTheme'
import { isCategoricalAxis, sweepMetricOption, valueLabel } from '../../../src/renderer/src/charts/options/sweepMetricOption'
import { isParallelCategory, sweepParallelOption } from '../../../src/renderer/src/charts/options/sweepParallelOption'
import { table } from '../stores/fakeSweepService'

type Loose = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const loose = (value: unknown): Loose => value as Loose

const SCALES = [[1], [1, 2], [1, 2, 4]]
const WIDTHS = [100, 1000, 10000]

/** A 3 x 3 x 2 grid: scales x width x seed, with a final error that falls by decades with the scales. */
function gridRows(): SweepTableRow[] {
  const rows: SweepTableRow[] = []
  SCALES.forEach((scales, s) => WIDTHS.forEach((width, w) => [0, 1].forEach((seed) => {
    rows.push({
      index: rows.length, pointId: `p${rows.length}`, params: { 'network.scales': scales, 'network.width': width, 'network.seed': seed }, status: 'done',
      finalErrorNorm: 10 ** -s * (1 + 0.1 * w) * (1 + 0.01 * seed), wallSeconds: 1 + w + seed, decayTimes: [s === 0 ? null : 0.1 * s],
    })
  })))
  return rows
}

function metricColumn(key: string, rows: SweepTableRow[]) {
  const t = table('s', rows, { frequencies: [1.43], threshold: 0.01 })
  return sweepTableColumns(t).find((column) => column.key === key)!
}

describe('sweepMetricOption', () => {
  const rows = gridRows()

  it('draws one line per group value over categorical x, through the mean of the points sharing x and group', () => {
    const figure = sweepMetricOption({
      rows, x: { path: 'network.scales', values: SCALES }, group: { path: 'network.width', values: WIDTHS }, metric: metricColumn('finalErrorNorm', rows),
    })
    const option = loose(figure.option)
    const lines = option.series.filter((s: Loose) => s.type === 'line')
    expect(lines.map((s: Loose) => s.name)).toEqual(['network.width = 100', 'network.width = 1000', 'network.width = 10000'])
    expect(lines.map((s: Loose) => s.color)).toEqual([scaleSetColor(0), scaleSetColor(1), scaleSetColor(2)])
    expect(option.xAxis).toMatchObject({ type: 'category', name: 'network.scales', data: ['[1]', '[1,2]', '[1,2,4]'] })
    // mean over the two seeds of width 1000 (w = 1) at scales [1,2] (s = 1)
    const expected = (10 ** -1 * 1.1 * 1 + 10 ** -1 * 1.1 * 1.01) / 2
    expect(lines[1].data[1][0]).toBe('[1,2]')
    expect(lines[1].data[1][1]).toBeCloseTo(expected, 15)
    expect(lines[1].data[1][2]).toBe(2)
    // the two seeds are also drawn, faintly, under the same names (the legend toggles both)
    const scatter = option.series.filter((s: Loose) => s.type === 'scatter')
    expect(scatter.map((s: Loose) => s.name)).toEqual(lines.map((s: Loose) => s.name))
    expect(scatter[0].data).toHaveLength(6)
    // two decades of final error: log y, whole decades around the data
    expect(option.yAxis.type).toBe('log')
    expect(option.yAxis.min).toBe(0.01) // the smallest error is exactly 10^-2
    expect(option.yAxis.max).toBe(10)
    expect(figure.omitted).toBe(0)
    expect(figure.columns).toEqual(['network.scales', 'network.width', 'mean finalErrorNorm', 'points'])
    expect(figure.rows).toHaveLength(9)
  })

  it('uses a value axis for numbers (log over two decades), linear y for a narrow metric, and one line without a group', () => {
    const figure = sweepMetricOption({ rows, x: { path: 'network.width', values: WIDTHS }, metric: metricColumn('wallSeconds', rows) })
    const option = loose(figure.option)
    expect(option.xAxis).toMatchObject({ type: 'log', name: 'network.width', min: 100, max: 10000 })
    expect(option.yAxis.type).toBe('value')
    const lines = option.series.filter((s: Loose) => s.type === 'line')
    expect(lines).toHaveLength(1)
    expect(lines[0].data.map((point: unknown[]) => point[0])).toEqual(WIDTHS)
    // wall = 1 + w + seed, mean over 3 scales x 2 seeds = 1.5 + w
    expect(lines[0].data.map((point: unknown[]) => point[1])).toEqual([1.5, 2.5, 3.5])
    const linear = loose(sweepMetricOption({ rows, x: { path: 'network.scales', values: SCALES }, metric: metricColumn('finalErrorNorm', rows), yScale: 'linear' }).option)
    expect(linear.yAxis.type).toBe('value')
  })

  it('leaves out points without a finite value (a decay never reached) and says how many', () => {
    const figure = sweepMetricOption({ rows, x: { path: 'network.scales', values: SCALES }, metric: metricColumn('decayTime@xi=1.43', rows) })
    expect(figure.omitted).toBe(6)
    const option = loose(figure.option)
    expect(option.series[0].data[0][1]).toBeNull()
    expect(option.title[1].text).toMatch(/6 points without a finite value not drawn/)
    expect(option.yAxis.name).toMatch(/model time/)
  })

  it('tells categorical axes from numeric ones, and labels values compactly', () => {
    expect(isCategoricalAxis(SCALES)).toBe(true)
    expect(isCategoricalAxis(['sin', 'relu'])).toBe(true)
    expect(isCategoricalAxis(WIDTHS)).toBe(false)
    expect(valueLabel([1, 2, 4])).toBe('[1,2,4]')
    expect(valueLabel(0.001)).toBe('0.001')
  })
})

describe('sweepParallelOption', () => {
  const rows = gridRows()

  it('has one axis per sweep axis and one for the metric, coloured by log10 of a metric spanning decades', () => {
    const figure = sweepParallelOption({
      rows,
      axes: [{ path: 'network.scales', values: SCALES }, { path: 'network.width', values: WIDTHS }, { path: 'network.seed', values: [0, 1] }],
      metric: metricColumn('finalErrorNorm', rows),
    })
    const option = loose(figure.option)
    expect(option.parallelAxis.map((axis: Loose) => `${axis.name}:${axis.type}`)).toEqual([
      'network.scales:category', 'network.width:category', 'network.seed:category', '‖û(T)‖/‖û(0)‖:log',
    ])
    expect(option.parallelAxis[0].data).toEqual(['[1]', '[1,2]', '[1,2,4]'])
    const series = option.series[0]
    expect(series.type).toBe('parallel')
    expect(series.data).toHaveLength(18)
    expect(series.data[0]).toEqual(['[1]', '100', '0', rows[0].finalErrorNorm, Math.log10(rows[0].finalErrorNorm!)])
    expect(option.visualMap).toMatchObject({ dimension: 4, inRange: { color: VIRIDIS } })
    expect(option.visualMap.min).toBeCloseTo(Math.log10(Math.min(...rows.map((r) => r.finalErrorNorm!))), 12)
    expect(figure.rows[0]).toEqual(['[1]', 100, 0, rows[0].finalErrorNorm])
  })

  it('keeps a value axis for many numbers and drops points without a finite metric', () => {
    const many = Array.from({ length: 20 }, (_, k) => 0.001 * (k + 1))
    const sparse: SweepTableRow[] = many.map((rate, k) => ({
      index: k, pointId: `p${k}`, params: { 'training.learningRate': rate }, status: k < 18 ? 'done' : 'failed', ...(k < 18 ? { wallSeconds: 1 + k / 10 } : {}),
    }))
    expect(isParallelCategory(many)).toBe(false)
    const t = { ...table('s', sparse), axes: [{ path: 'training.learningRate', values: many }] }
    const wall = sweepTableColumns(t).find((column) => column.key === 'wallSeconds')!
    const figure = sweepParallelOption({ rows: sparse, axes: t.axes, metric: wall })
    const option = loose(figure.option)
    expect(option.parallelAxis[0].type).toBe('value')
    expect(option.parallelAxis[1].type).toBe('value')
    expect(option.series[0].data).toHaveLength(18)
    expect(figure.omitted).toBe(2)
    expect(option.title[1].text).toMatch(/2 points without a finite value not drawn/)
  })
})
