// Option builders of src/renderer/src/charts/options: pure data in, EChartsOption out. Checked
// here: axis names with units, log axes where values span decades, line styles per source, one
// colour scale shared by side-by-side heatmaps, and that the data in the option is the data given.
import { describe, expect, it } from 'vitest'
import { linearTicks, logTicks, markerLabelPosition } from '../../../src/renderer/src/charts/options/chartCommon'
import { AXIS_NAMES, OKABE_ITO, SOURCE_LINE_TYPE, VIRIDIS, scaleSetColor } from '../../../src/renderer/src/charts/chartTheme'
import { coefficientsOption, coefficientsTable } from '../../../src/renderer/src/charts/options/coefficientsOption'
import { decayOption } from '../../../src/renderer/src/charts/options/decayOption'
import {
  VIRIDIS_LUT, heatmapCells, heatmapOption, heatmapTable, log10Range, rowBounds, rowColorStops, rowPixels, viridisColor,
} from '../../../src/renderer/src/charts/options/heatmapOption'
import { lossOption } from '../../../src/renderer/src/charts/options/lossOption'
import { relOption } from '../../../src/renderer/src/charts/options/relOption'
import { snapshotOption } from '../../../src/renderer/src/charts/options/snapshotOption'
import { spectrumOption } from '../../../src/renderer/src/charts/options/spectrumOption'
import { targetOption, targetTable } from '../../../src/renderer/src/charts/options/targetOption'

type Loose = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const asLoose = (option: unknown): Loose => option as Loose
const seriesOf = (option: unknown): Loose[] => asLoose(option).series as Loose[]
const sourceOf = (option: unknown): Record<string, (number | null)[]> => asLoose(option).dataset.source

function grid(n: number, from: number, to: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1))
}

describe('targetOption', () => {
  const x = grid(5, -1, 1)
  const g = x.map((v) => v * v)
  const f = x.map((v) => 0.5 * v)

  it('plots g and f against x with the data given', () => {
    const option = targetOption({ points: x, target: g, output: f, t: 0.5 })
    const source = sourceOf(option)
    expect(source.x).toEqual(Array.from(x))
    expect(source.g).toEqual(Array.from(g))
    expect(source.f).toEqual(Array.from(f))
    expect(seriesOf(option).map((s) => s.name)).toEqual(['target g(x)', 'network output f(x) at t = 0.5'])
    expect(asLoose(option).xAxis.name).toBe(AXIS_NAMES.x)
  })

  it('leaves the output out when none is given, and tables the data for CSV', () => {
    expect(seriesOf(targetOption({ points: x, target: g }))).toHaveLength(1)
    const table = targetTable({ points: x, target: g, output: f })
    expect(table.columns).toEqual(['x', 'target_g', 'output_f'])
    expect(table.values[2]).toEqual(Array.from(f))
  })

  it('draws a 2-D target as coloured samples', () => {
    const points = Float64Array.from([0, 0, 1, 0, 0, 1, 1, 1])
    const option = targetOption({ points, target: [1, 2, 3, 4], dim: 2 })
    expect(seriesOf(option)[0].type).toBe('scatter')
    expect(sourceOf(option).y).toEqual([0, 0, 1, 1])
    expect(asLoose(option).visualMap.min).toBe(1)
    expect(asLoose(option).visualMap.max).toBe(4)
  })
})

describe('spectrumOption', () => {
  it('uses a log axis of |P|, |Q| against xi when they span decades', () => {
    const xi = grid(4, 0, 3)
    const option = spectrumOption({ xi, P: [0, 0, 0, 0], Q: [1, -1e-3, 1e-6, 0] })
    const y = asLoose(option).yAxis
    expect(y.type).toBe('log')
    expect(asLoose(option).xAxis.name).toBe(AXIS_NAMES.xi)
    // P identically zero: not drawn; Q as magnitudes, the zero a gap
    expect(seriesOf(option)).toHaveLength(1)
    expect(sourceOf(option).absQ).toEqual([1, 1e-3, 1e-6, null])
    // whole decades around the data (within 8 decades of the top)
    expect([y.min, y.max]).toEqual([1e-6, 1])
    const wide = asLoose(spectrumOption({ xi, P: [0, 0, 0, 0], Q: [5, 1e-12, 1e-3, 0.1] })).yAxis
    expect([wide.min, wide.max]).toEqual([1e-7, 10])
  })

  it('stays linear when the values do not span decades', () => {
    const option = spectrumOption({ xi: [0, 1, 2], P: [1, 2, 3], Q: [2, 3, 1] })
    expect(asLoose(option).yAxis.type).toBe('value')
    expect(seriesOf(option)).toHaveLength(2)
  })
})

describe('coefficientsOption', () => {
  const xi = grid(5, 0, 4)
  const zero = new Float64Array(5)
  const Rim = Float64Array.from([3.7, 1, 1e-3, 1e-9, 1e-30])
  const Dim = Float64Array.from([0.28, 0.1, 1e-4, 1e-10, 1e-31])

  it('drops identically zero parts, shows |.| on a log axis when they decay over decades', () => {
    const option = coefficientsOption({ xi, coefficients: { Rre: zero, Rim, Dre: zero, Dim } })
    expect(seriesOf(option).map((s) => s.name)).toEqual(['|Im R(xi)|', '|Im D(xi)|'])
    expect(asLoose(option).yAxis.type).toBe('log')
    expect(sourceOf(option).Rim).toEqual(Array.from(Rim))
    // whole decades, at most 12 below the top: 3.7 -> [1e-11, 10] (the 1e-30 tail is clipped)
    expect(asLoose(option).yAxis.min).toBeCloseTo(1e-11, 25)
    expect(asLoose(option).yAxis.max).toBe(10)
    const table = coefficientsTable({ xi, coefficients: { Rre: zero, Rim, Dre: zero, Dim } })
    expect(table.columns).toEqual(['xi', 'Rre', 'Rim', 'Dre', 'Dim'])
  })

  it('keeps signs on a linear axis when values stay within decades', () => {
    const option = coefficientsOption({ xi: [0, 1], coefficients: { Rre: [1, -1], Rim: [0.5, 0.4], Dre: [0, 0], Dim: [0, 0] } })
    expect(asLoose(option).yAxis.type).toBe('value')
    expect(sourceOf(option).Rre).toEqual([1, -1])
  })
})

describe('heatmapOption', () => {
  const xi = grid(3, 0, 2)
  const times = [0, 1]
  const values = Float64Array.from([1, -0.1, 0, 0.01, 1e-3, 1e-4])

  it('draws log10 |Q| rows over (xi, t) in viridis with a colour bar labelled in log10 units', () => {
    const option = heatmapOption({ xi, times, values, title: 'training', min: -4, max: 0 })
    const o = asLoose(option)
    expect(o.xAxis.name).toBe(AXIS_NAMES.xi)
    expect(o.yAxis.name).toBe(AXIS_NAMES.t)
    // cells are centred on the grid: xi from 0 - 1/2 to 2 + 1/2; rows end half-way between
    // snapshots, the axis covers the run's times exactly
    expect([o.xAxis.min, o.xAxis.max]).toEqual([-0.5, 2.5])
    expect([o.yAxis.min, o.yAxis.max]).toEqual([0, 1])
    expect(o.visualMap.inRange.color).toEqual(VIRIDIS)
    expect(o.title[1].text).toBe('log10 |Q|')
    expect(o.visualMap.text).toEqual(['0', '-4'])
    // one item per row: [row, t, t low, t high, largest log10 value]
    const series = seriesOf(option)[0]
    expect(series.data).toEqual([[0, 0, 0, 0.5, 0], [1, 1, 0.5, 1, -2]])
  })

  it('labels the time axis at round ticks, not at an odd end time', () => {
    const o = asLoose(heatmapOption({ xi, times: [0, 0.2498, 0.4996], values: Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1]), title: 'x', min: -4, max: 0 }))
    expect(o.yAxis.max).toBe(0.4996)
    expect(o.yAxis.interval).toBe(0.1)
    expect(o.yAxis.axisLabel.showMinLabel).toBe(true)
    expect(o.yAxis.axisLabel.showMaxLabel).toBe(false)
  })

  it('colours each cell by its log10 value on the common scale, zeros transparent', () => {
    const stops = rowColorStops([0, -1, null, -4], -4, 0)
    expect(stops).toEqual([
      { offset: 0, color: VIRIDIS_LUT[255] }, { offset: 0.25, color: VIRIDIS_LUT[255] },
      { offset: 0.25, color: VIRIDIS_LUT[191] }, { offset: 0.5, color: VIRIDIS_LUT[191] },
      { offset: 0.5, color: 'rgba(0,0,0,0)' }, { offset: 0.75, color: 'rgba(0,0,0,0)' },
      { offset: 0.75, color: VIRIDIS_LUT[0] }, { offset: 1, color: VIRIDIS_LUT[0] },
    ])
    expect(VIRIDIS_LUT[0]).toBe(VIRIDIS[0])
    expect(VIRIDIS_LUT[255]).toBe(VIRIDIS[VIRIDIS.length - 1])
    // values outside the scale are clamped to its ends
    expect(viridisColor(3, -4, 0)).toBe(VIRIDIS_LUT[255])
  })

  it('shares one colour scale between training and diffusion', () => {
    const diffusion = Float64Array.from([10, 1, 1, 1, 1, 1e-6])
    const range = log10Range([values, diffusion], 8)
    expect(range.max).toBe(1)
    expect(range.min).toBe(-6)
    const a = asLoose(heatmapOption({ xi, times, values, title: 'training', ...range }))
    const b = asLoose(heatmapOption({ xi, times, values: diffusion, title: 'diffusion model', ...range }))
    expect([a.visualMap.min, a.visualMap.max]).toEqual([b.visualMap.min, b.visualMap.max])
    expect([a.visualMap.min, a.visualMap.max]).toEqual([-6, 1])
  })

  it('spaces rows by their real model times', () => {
    expect(rowBounds([0, 0.25, 0.5, 1, 2])).toEqual({ low: [0, 0.125, 0.375, 0.75, 1.5], high: [0.125, 0.375, 0.75, 1.5, 2] })
    expect(rowBounds([3])).toEqual({ low: [2.5], high: [3.5] })
  })

  it('shows only the rows a live run has filled, and tables signed values', () => {
    const option = heatmapOption({ xi, times, values, title: 'live', min: -4, max: 0, rows: 1 })
    expect(seriesOf(option)[0].data).toHaveLength(1)
    const table = heatmapTable({ xi, times, values, title: 'x', min: 0, max: 1, part: 'P' })
    expect(table.columns).toEqual(['t', 'xi', 'P'])
    expect(table.values[2]).toEqual(Array.from(values))
  })
})

describe('snapshotOption', () => {
  const xi = [0, 1, 2]
  it('overlays training solid, diffusion dashed and NTK dotted on a log |Q| axis', () => {
    const option = snapshotOption({ xi, training: [1, -0.01, 0], diffusion: [1, 0.02, 1e-3], ntk: [0.9, 0.01, 1e-4], t: 0.5, part: 'Q', markedXi: 1 })
    const series = seriesOf(option)
    expect(series.map((s) => s.lineStyle.type)).toEqual([SOURCE_LINE_TYPE.training, SOURCE_LINE_TYPE.diffusion, SOURCE_LINE_TYPE.ntk])
    expect(series.map((s) => s.lineStyle.type)).toEqual(['solid', 'dashed', 'dotted'])
    expect(asLoose(option).yAxis.type).toBe('log')
    expect(asLoose(option).yAxis.name).toBe(AXIS_NAMES.absQ)
    expect(sourceOf(option).training).toEqual([1, 0.01, null])
    expect(series[0].markLine.data).toEqual([{ xAxis: 1 }])
    expect(new Set(series.map((s) => s.color))).toEqual(new Set([scaleSetColor(0)]))
  })

  it('takes a common y range for side-by-side comparison', () => {
    const option = snapshotOption({ xi, training: [1, 1, 1], t: 0, part: 'P', yMin: 1e-6, yMax: 10 })
    // 1e-6 .. 10 is 7 decades: labels every 2 decades, so the bottom moves to 1e-7
    expect(asLoose(option).yAxis.min).toBeCloseTo(1e-7, 20)
    expect(asLoose(option).yAxis.max).toBe(10)
    expect(asLoose(option).yAxis.interval).toBe(2)
    expect(asLoose(option).yAxis.name).toBe(AXIS_NAMES.absP)
  })
})

describe('decayOption', () => {
  it('gives each frequency its Okabe-Ito colour and each source its line style, log y against t', () => {
    const option = decayOption({
      times: [0, 1, 2],
      curves: [
        { xi: 0.5, training: [1, 0.1, 0.01], diffusion: [1, 0.1, 0.011] },
        { xi: 1.5, training: [1, 0.9, 0.8], ntk: [1, 0.9, 0.79] },
      ],
      markedTime: 1,
    })
    const series = seriesOf(option)
    expect(series.map((s) => s.color)).toEqual([OKABE_ITO.blue, OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.orange])
    expect(series.map((s) => s.lineStyle.type)).toEqual(['solid', 'dashed', 'solid', 'dotted'])
    expect(asLoose(option).xAxis.name).toBe(AXIS_NAMES.t)
    expect(asLoose(option).yAxis.type).toBe('log')
    expect(sourceOf(option)['training@0']).toEqual([1, 0.1, 0.01])
    expect(series[0].markLine.data).toEqual([{ xAxis: 1 }])
  })
})

describe('log axes', () => {
  it('label round powers of ten, about five of them', () => {
    expect(logTicks(1e-11, 10)).toEqual({ min: 1e-11, max: 10, interval: 3 })
    expect(logTicks(1e-4, 1)).toEqual({ min: 1e-4, max: 1, interval: 1 })
    expect(logTicks(1e-3, 100).interval).toBe(1)
  })
})

describe('lossOption and relOption', () => {
  it('puts the loss against model time = step x learning rate, log when it spans decades', () => {
    const option = lossOption({ steps: Int32Array.from([0, 10, 20]), loss: [1, 1e-2, 1e-4], learningRate: 0.01 })
    expect(sourceOf(option).t).toEqual([0, 0.1, 0.2])
    expect(asLoose(option).xAxis.name).toBe(AXIS_NAMES.t)
    expect(asLoose(option).yAxis.type).toBe('log')
    expect(asLoose(lossOption({ steps: [0, 1], loss: [1, 0.8], learningRate: 1 })).yAxis.type).toBe('value')
  })

  it('draws rel(t) of the diffusion model dashed and of the NTK dotted', () => {
    const option = relOption({ times: [0, 1], rel: { diffusion: [0, 0.1], ntk: [0, null] } })
    expect(seriesOf(option).map((s) => s.lineStyle.type)).toEqual(['dashed', 'dotted'])
    expect(sourceOf(option).ntk).toEqual([0, null])
    expect(asLoose(option).xAxis.name).toBe(AXIS_NAMES.t)
  })
})

describe('heatmap rows as pixels (screen) and cells (tests)', () => {
  const xi = [0, 1, 2]
  const times = [0, 1]
  const values = Float64Array.from([1, -0.1, 0, 0.01, 1e-3, 1e-4])

  it('colours pixels as the gradients do, cells repeated, zeros transparent', () => {
    const pixels = rowPixels(values, 0, 3, 2, -4, 0)
    expect(pixels).toHaveLength(3 * 2 * 4)
    const hex = (i: number) => `#${[0, 1, 2].map((c) => pixels[4 * i + c].toString(16).padStart(2, '0')).join('')}`
    expect([hex(0), hex(1)]).toEqual([viridisColor(0, -4, 0), viridisColor(0, -4, 0)])
    expect(hex(2)).toBe(viridisColor(-1, -4, 0))
    expect([pixels[3], pixels[7], pixels[11], pixels[23]]).toEqual([255, 255, 255, 0])
  })

  it('draws a row from the painter\'s image where there is one, its gradient otherwise', () => {
    const image = { width: 3, height: 3 } as unknown as CanvasImageSource
    const painter = { rowImage: (s: number) => (s === 0 ? { image, sx: 0, sy: 1, sWidth: 3, sHeight: 1 } : undefined) }
    const series = seriesOf(heatmapOption({ xi, times, values, title: 'x', min: -4, max: 0 }, painter))[0]
    const api = { value: (i: number) => [series.data[0], series.data[1]][0][i], coord: (p: number[]) => [p[0] * 10, 100 - p[1] * 10] }
    const first = series.renderItem({ dataIndex: 0 }, api)
    expect(first.type).toBe('image')
    expect(first.style).toMatchObject({ image, sy: 1, sHeight: 1 })
    const secondApi = { ...api, value: (i: number) => series.data[1][i] }
    const second = series.renderItem({ dataIndex: 1 }, secondApi)
    expect(second.type).toBe('rect')
    expect(second.style.fill.colorStops).toEqual(rowColorStops([-2, -3, -4], -4, 0))
  })

  it('lists the cells as log10 |v|, row-major, null for zeros, only the rows drawn', () => {
    const cells = heatmapCells({ xi, times, values, title: 'x', min: -4, max: 0, rows: 1 })
    expect(cells).toEqual({ F: 3, S: 1, xi, t: [0], values: [0, -1, null] })
  })
})

describe('axis ends and markers', () => {
  it('label a linear axis at round steps, its ends only where they fall on one', () => {
    expect(linearTicks(0, 0.4996)).toEqual({ interval: 0.1, showMinLabel: true, showMaxLabel: false })
    expect(linearTicks(0, 1)).toEqual({ interval: 0.2, showMinLabel: true, showMaxLabel: true })
    expect(linearTicks(-4, 4).showMaxLabel).toBe(true)
    const decay = asLoose(decayOption({ times: [0, 0.25, 0.4996], curves: [{ xi: 1, training: [1, 0.5, 0.25] }] }))
    expect([decay.xAxis.min, decay.xAxis.max]).toEqual([0, 0.4996])
    expect(decay.xAxis.axisLabel.showMaxLabel).toBe(false)
    expect(asLoose(relOption({ times: [0, 0.4996], rel: { diffusion: [0, 0.1] } })).xAxis.axisLabel.showMaxLabel).toBe(false)
    expect(asLoose(lossOption({ steps: [0, 10], loss: [1, 0.5], learningRate: 0.04996 })).xAxis.axisLabel.showMaxLabel).toBe(false)
  })

  it('put a marker\'s label right of the line near the axis start (off the tick labels), left of it elsewhere', () => {
    expect(markerLabelPosition(0, 0, 1)).toBe('insideEndBottom')
    expect(markerLabelPosition(0.5, 0, 1)).toBe('insideEndTop')
    expect(markerLabelPosition(1, 0, 1)).toBe('insideEndTop')
    const decay = asLoose(decayOption({ times: [0, 1], curves: [{ xi: 1, training: [1, 0.5] }], markedTime: 0 }))
    expect(decay.series[0].markLine.label.position).toBe('insideEndBottom')
  })

  it('tell solid, dashed and dotted apart in the snapshot legend: line icons without symbols', () => {
    const legend = asLoose(snapshotOption({ xi: [0, 1], training: [1, 0.1], diffusion: [1, 0.2], ntk: [1, 0.3], t: 0, part: 'Q' })).legend
    expect(legend.itemStyle.opacity).toBe(0)
    expect(legend.itemWidth).toBeGreaterThanOrEqual(36)
  })
})

