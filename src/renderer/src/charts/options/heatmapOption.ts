/**
 * log10 |Q(xi, t)| (or |P|) over frequency and model time as a heatmap in viridis, the colour bar
 * labelled in log10 units. Training and diffusion side by side share one colour scale: compute
 * it once with log10Range over both matrices and pass the same min/max to each.
 *
 * Drawn as one gradient-filled rectangle per snapshot row (see heatmapOption) on value axes: xi
 * in cycles per unit length, t in model time with rows at their real spacing. Cells without a
 * value (|Q| = 0) are transparent.
 */
import type { EChartsOption } from 'echarts'
import { AXIS_NAMES, VIRIDIS } from '../chartTheme'
import { formatNumber, formatTick, linearTicks, markerLabelPosition, tableOf, titleOf, toArray, type DataTable, type NumericArray } from './chartCommon'

export interface HeatmapOptionInput {
  /** cycles per unit length, F values */
  xi: NumericArray
  /** model times of the snapshots, S values */
  times: NumericArray
  /** the spectrum, S x F row-major (signed; the chart shows log10 of its magnitude) */
  values: NumericArray
  title: string
  /** colour scale in log10 units (share one between charts compared side by side) */
  min: number
  max: number
  /** which part, for the colour bar and tooltip (default 'Q') */
  part?: 'Q' | 'P'
  /** rows actually filled (live runs): later rows are left empty; default all */
  rows?: number
  markedXi?: number
}

/**
 * A common colour range in log10 units over several S x F matrices: the largest log10|v| and a
 * floor `decades` below it (or the smallest value if that is higher). Zeros are ignored.
 */
export function log10Range(matrices: NumericArray[], decades = 8): { min: number; max: number } {
  let maxAbs = 0
  let minAbs = Infinity
  for (const matrix of matrices) {
    for (let i = 0; i < matrix.length; i++) {
      const a = Math.abs(matrix[i])
      if (!(a > 0) || !Number.isFinite(a)) continue
      if (a > maxAbs) maxAbs = a
      if (a < minAbs) minAbs = a
    }
  }
  if (!(maxAbs > 0)) return { min: -1, max: 0 }
  const max = Math.ceil(Math.log10(maxAbs) * 10) / 10
  const min = Math.max(Math.floor(Math.log10(minAbs) * 10) / 10, max - decades)
  return { min: Math.min(min, max - 0.1), max }
}

/** 256 viridis colours, linearly interpolated between the VIRIDIS stops ('#rrggbb'). */
export const VIRIDIS_LUT: readonly string[] = (() => {
  const rgb = VIRIDIS.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)))
  return Array.from({ length: 256 }, (_, k) => {
    const x = (k / 255) * (rgb.length - 1)
    const i = Math.min(Math.floor(x), rgb.length - 2)
    const w = x - i
    return `#${[0, 1, 2].map((c) => Math.round(rgb[i][c] * (1 - w) + rgb[i + 1][c] * w).toString(16).padStart(2, '0')).join('')}`
  })
})()

const TRANSPARENT = 'rgba(0,0,0,0)'

/** The LUT colour of a log10 value on [min, max] (clamped), transparent for no value. */
export function viridisColor(value: number | null, min: number, max: number): string {
  if (value === null || !Number.isFinite(value)) return TRANSPARENT
  const u = max > min ? (value - min) / (max - min) : 0.5
  return VIRIDIS_LUT[Math.max(0, Math.min(255, Math.round(u * 255)))]
}

/**
 * Row s spans half-way to its neighbours in t; the first row starts at the first snapshot time
 * and the last ends at the last, so the time axis covers exactly the run (a single row spans
 * t +- 1/2).
 */
export function rowBounds(times: number[]): { low: number[]; high: number[] } {
  const S = times.length
  const low = new Array<number>(S)
  const high = new Array<number>(S)
  for (let s = 0; s < S; s++) {
    low[s] = s > 0 ? (times[s - 1] + times[s]) / 2 : S > 1 ? times[0] : times[0] - 0.5
    high[s] = s + 1 < S ? (times[s] + times[s + 1]) / 2 : S > 1 ? times[S - 1] : times[0] + 0.5
  }
  return { low, high }
}

/**
 * The colour stops of one row: piecewise constant over the cells (two stops per run of equal
 * colour, at the cell edges), offsets in [0, 1] across [xi_0 - dxi/2, xi_last + dxi/2].
 */
export function rowColorStops(logValues: (number | null)[], min: number, max: number): { offset: number; color: string }[] {
  const F = logValues.length
  const stops: { offset: number; color: string }[] = []
  let f = 0
  while (f < F) {
    const color = viridisColor(logValues[f], min, max)
    let g = f + 1
    while (g < F && viridisColor(logValues[g], min, max) === color) g++
    stops.push({ offset: f / F, color }, { offset: g / F, color })
    f = g
  }
  return stops
}

/** The LUT as bytes: r, g, b of colour k at 3k, 3k + 1, 3k + 2 (for rasterised rows). */
export const VIRIDIS_RGB: Uint8Array = (() => {
  const out = new Uint8Array(256 * 3)
  VIRIDIS_LUT.forEach((hex, k) => {
    for (let c = 0; c < 3; c++) out[3 * k + c] = parseInt(hex.slice(1 + 2 * c, 3 + 2 * c), 16)
  })
  return out
})()

/**
 * Row s of an S x F matrix as RGBA pixels, `repeat` pixels per cell, in the same colours as
 * rowColorStops (viridisColor of log10 |v| on [min, max]); cells without a value transparent.
 */
export function rowPixels(values: NumericArray, s: number, F: number, repeat: number, min: number, max: number, out = new Uint8ClampedArray(F * repeat * 4)): Uint8ClampedArray {
  const span = max > min ? max - min : 0
  for (let f = 0; f < F; f++) {
    const a = Math.abs(values[s * F + f])
    let r = 0
    let g = 0
    let b = 0
    let alpha = 0
    if (a > 0 && Number.isFinite(a)) {
      const u = span > 0 ? (Math.log10(a) - min) / span : 0.5
      const k = 3 * Math.max(0, Math.min(255, Math.round(u * 255)))
      r = VIRIDIS_RGB[k]
      g = VIRIDIS_RGB[k + 1]
      b = VIRIDIS_RGB[k + 2]
      alpha = 255
    }
    for (let i = f * repeat; i < (f + 1) * repeat; i++) {
      out[4 * i] = r
      out[4 * i + 1] = g
      out[4 * i + 2] = b
      out[4 * i + 3] = alpha
    }
  }
  return out
}

/** The largest log10 |v| of row s (null: the row has no value). */
export function rowMaxLog10(values: NumericArray, s: number, F: number): number | null {
  let best = 0
  for (let f = 0; f < F; f++) {
    const a = Math.abs(values[s * F + f])
    if (a > best && Number.isFinite(a)) best = a
  }
  return best > 0 ? Math.log10(best) : null
}

/** The pixels of one row: a slice (sx, sy, sWidth, sHeight) of an image, F cells left to right. */
export interface HeatmapRowSlice {
  image: CanvasImageSource
  sx: number
  sy: number
  sWidth: number
  sHeight: number
}

/** How the rows are painted: vector gradients (default, export) or images the caller provides. */
export interface HeatmapRowPainter {
  /** the pixels of row s, or undefined to fall back to its gradient */
  rowImage(s: number): HeatmapRowSlice | undefined
  /**
   * Prepares the row images for about budgetMs at most; true once every row is ready (then the
   * chart's setOption only copies slices). Lets the first draw of a large heatmap be spread over
   * several short tasks instead of one long one.
   */
  prepare?(budgetMs: number): boolean
}

/**
 * The cells of a heatmap for tests and tools (the custom series does not list them): the chart
 * registry of the run dashboard returns them as `__cells` (see RunDashboard.vue).
 * values: log10 |v| row-major S x F (null where v = 0), S the rows drawn.
 */
export interface HeatmapCells {
  F: number
  S: number
  xi: number[]
  t: number[]
  values: (number | null)[]
}

export function heatmapCells(input: HeatmapOptionInput): HeatmapCells {
  const xi = toArray(input.xi)
  const F = xi.length
  const S = Math.min(input.times.length, input.rows ?? input.times.length, Math.floor(input.values.length / Math.max(F, 1)))
  const values = new Array<number | null>(S * F)
  for (let i = 0; i < S * F; i++) {
    const a = Math.abs(input.values[i])
    values[i] = a > 0 && Number.isFinite(a) ? Math.log10(a) : null
  }
  return { F, S, xi, t: toArray(input.times, 0, S), values }
}

/** log10 |v| of row s, cell by cell (null: no value). */
function logRow(values: NumericArray, s: number, F: number): (number | null)[] {
  const row = new Array<number | null>(F)
  for (let f = 0; f < F; f++) {
    const a = Math.abs(values[s * F + f])
    row[f] = a > 0 && Number.isFinite(a) ? Math.log10(a) : null
  }
  return row
}

/**
 * Each snapshot row is one rectangle drawn by a custom series on value axes: filled with a
 * horizontal gradient whose stops are the cells' colours (vector, for SVG export), or, on screen,
 * with an image of the row (painter.rowImage: rasterised once and reused while rows stream in).
 * A classic heatmap series would make one element per cell (160 000 for 801 x 200: seconds to
 * draw); rows keep it to S elements, exact cell colours and real model-time spacing of the rows.
 * Nothing here is per cell except the gradients, built only when no image is given.
 */
export function heatmapOption(input: HeatmapOptionInput, painter?: HeatmapRowPainter): EChartsOption {
  const xi = toArray(input.xi)
  const times = toArray(input.times)
  const F = xi.length
  const S = Math.min(times.length, input.rows ?? times.length, Math.floor(input.values.length / Math.max(F, 1)))
  const part = input.part ?? 'Q'
  const colourName = `log10 |${part}|`
  const dxi = F > 1 ? (xi[F - 1] - xi[0]) / (F - 1) : 1
  const xiLow = F > 0 ? xi[0] - dxi / 2 : 0
  const xiHigh = F > 0 ? xi[F - 1] + dxi / 2 : 1
  const { low, high } = rowBounds(times)
  const gradients = new Array<object | undefined>(S)
  const gradientOf = (s: number): object => (gradients[s] ??= {
    type: 'linear', x: 0, y: 0, x2: 1, y2: 0, global: false, colorStops: rowColorStops(logRow(input.values, s, F), input.min, input.max),
  })
  if (!painter) for (let s = 0; s < S; s++) gradientOf(s)
  const markedIndex = input.markedXi === undefined ? -1 : nearestIndex(xi, input.markedXi)
  const markedXi = markedIndex >= 0 ? xi[markedIndex] : undefined
  // one item per filled row: [row index, t, t low, t high, largest log10 value of the row]
  const data = new Array<(number | null)[]>(S)
  for (let s = 0; s < S; s++) data[s] = [s, times[s], low[s], high[s], rowMaxLog10(input.values, s, F)]
  // round ticks; the run's end time (e.g. 0.4996) gets no label of its own
  const tMin = low[0] ?? 0
  const tMax = high[times.length - 1] ?? 1
  const tTicks = tMax > tMin ? linearTicks(tMin, tMax) : undefined
  return {
    animation: false,
    // the main title, and the colour bar's name above the bar (its ends carry the values)
    title: [
      titleOf(input.title) as object,
      { text: colourName, right: 8, top: 34, textStyle: { fontSize: 12, fontWeight: 'normal' } },
    ],
    grid: { top: 38, left: 72, right: 100, bottom: 52 },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params: unknown) => {
        const s = (params as { dataIndex?: number }).dataIndex
        if (s === undefined || s >= S) return ''
        const row = logRow(input.values, s, F)
        let best = -1
        for (let f = 0; f < F; f++) if (row[f] !== null && (best < 0 || (row[f] as number) > (row[best] as number))) best = f
        const lines = [`t = ${formatNumber(times[s])} (snapshot ${s + 1} of ${times.length})`]
        if (best >= 0) lines.push(`largest: |${part}| = ${formatNumber(10 ** (row[best] as number))} at xi = ${formatNumber(xi[best])}`)
        if (markedIndex >= 0) {
          const v = input.values[s * F + markedIndex]
          lines.push(`at xi = ${formatNumber(xi[markedIndex])}: ${part} = ${formatNumber(v)} (log10 |${part}| = ${row[markedIndex] === null ? '–' : formatNumber(row[markedIndex] as number, 6)})`)
        }
        lines.push('click: show this snapshot and pick the frequency')
        return lines.join('<br/>')
      },
    },
    xAxis: {
      type: 'value', name: AXIS_NAMES.xi, nameLocation: 'middle', nameGap: 30, min: xiLow, max: xiHigh,
      splitLine: { show: false }, axisLabel: { formatter: (v: number) => formatTick(v), hideOverlap: true, showMinLabel: false, showMaxLabel: false },
      axisPointer: { show: true, type: 'line', snap: false, triggerTooltip: false, label: { show: true, formatter: (p: { value: unknown }) => `xi = ${formatNumber(Number(p.value), 5)}` } },
    },
    yAxis: {
      type: 'value', name: AXIS_NAMES.t, nameLocation: 'middle', nameGap: 52, min: tMin, max: tMax,
      ...(tTicks ? { interval: tTicks.interval } : {}),
      splitLine: { show: false },
      axisLabel: { formatter: (v: number) => formatTick(v), hideOverlap: true, ...(tTicks ? { showMinLabel: tTicks.showMinLabel, showMaxLabel: tTicks.showMaxLabel } : {}) },
      axisPointer: { show: true, type: 'line', snap: false, triggerTooltip: false, label: { show: true, formatter: (p: { value: unknown }) => `t = ${formatNumber(Number(p.value), 5)}` } },
    },
    visualMap: {
      type: 'continuous',
      min: input.min,
      max: input.max,
      // the row's largest value: the bar is the legend; the rows carry their own colours
      dimension: 4,
      seriesIndex: 0,
      calculable: false,
      realtime: false,
      inRange: { color: [...VIRIDIS] },
      orient: 'vertical',
      right: 22,
      top: 60,
      itemWidth: 14,
      itemHeight: 150,
      // the ends of the bar, in log10 units
      text: [formatNumber(input.max, 3), formatNumber(input.min, 3)],
      textGap: 6,
    },
    series: [{
      type: 'custom',
      name: input.title,
      coordinateSystem: 'cartesian2d',
      encode: { x: -1, y: [2, 3], tooltip: [1] },
      clip: true,
      data,
      renderItem: (params: { dataIndex: number; coordSys: unknown }, api: { value(i: number): number; coord(p: number[]): number[] }) => {
        const s = api.value(0)
        const topLeft = api.coord([xiLow, api.value(3)])
        const bottomRight = api.coord([xiHigh, api.value(2)])
        const x = topLeft[0]
        const y = topLeft[1]
        const width = bottomRight[0] - topLeft[0]
        const height = bottomRight[1] - topLeft[1] + 1
        const slice = painter?.rowImage(s)
        if (slice) return { type: 'image', style: { ...slice, x, y, width, height } }
        return { type: 'rect', shape: { x, y, width, height }, style: { fill: gradientOf(s) } }
      },
      ...(markedXi !== undefined ? {
        markLine: {
          silent: true, symbol: 'none', animation: false,
          // white with a dark edge and a dark label box: readable on viridis and on the white of rows not yet trained
          lineStyle: { type: 'solid', color: '#ffffff', width: 1, shadowColor: 'rgba(0,0,0,0.7)', shadowBlur: 2 },
          label: {
            formatter: `xi = ${formatNumber(markedXi, 4)}`, color: '#ffffff', backgroundColor: 'rgba(0,0,0,0.6)', padding: [1, 4], borderRadius: 2,
            position: markerLabelPosition(markedXi, xiLow, xiHigh),
          },
          data: [{ xAxis: markedXi }],
        },
      } : {}),
    }],
  } as EChartsOption
}

function nearestIndex(grid: number[], value: number): number {
  let best = -1
  let bestDistance = Infinity
  for (let i = 0; i < grid.length; i++) {
    const d = Math.abs(grid[i] - value)
    if (d < bestDistance) {
      bestDistance = d
      best = i
    }
  }
  return best
}

/**
 * The data of heatmapOption as a long table (CSV export): one row per (t, xi) with the signed
 * value, so a spreadsheet or pandas pivots it back.
 */
export function heatmapTable(input: HeatmapOptionInput): DataTable {
  const xi = toArray(input.xi)
  const times = toArray(input.times)
  const F = xi.length
  const S = Math.min(times.length, input.rows ?? times.length, Math.floor(input.values.length / Math.max(F, 1)))
  const t = new Array<number>(S * F)
  const x = new Array<number>(S * F)
  const v = new Array<number>(S * F)
  for (let s = 0; s < S; s++) {
    for (let f = 0; f < F; f++) {
      t[s * F + f] = times[s]
      x[s * F + f] = xi[f]
      v[s * F + f] = input.values[s * F + f]
    }
  }
  return tableOf([['t', t], ['xi', x], [input.part ?? 'Q', v]])
}
