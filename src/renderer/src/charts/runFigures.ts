/**
 * The figures of a run (UI.md, run tab): each one an option and its data table, built from the
 * run's chart data and what the user chose (snapshot, picked frequencies, part Q or P). Shared by
 * the run dashboard, the compare view and "Export all figures".
 *
 * Figures are lazy (RunFigure): making one costs nothing; its option is built the first time a
 * chart or an export asks for it (EChart.vue builds it in the chart's own task, see
 * chartScheduler.ts), its data table only when it is exported. A streaming run thus pays for the
 * charts it redraws, one per task, and never for CSV tables nobody asked for.
 */
import type { EChartsOption } from 'echarts'
import type { RunChartData } from '../stores/useRunDataStore'
import { scaleSetColor } from './chartTheme'
import type { Figure } from './figureExport'
import { rasterPainter } from './heatmapRaster'
import { coefficientsOption, coefficientsTable } from './options/coefficientsOption'
import { decayOption, decayTable, type DecayCurve, type DecayOptionInput } from './options/decayOption'
import { heatmapCells, heatmapOption, heatmapTable, log10Range, type HeatmapCells, type HeatmapOptionInput, type HeatmapRowPainter } from './options/heatmapOption'
import { columnOf, rowOf } from './options/chartCommon'
import { lossOption, lossTable } from './options/lossOption'
import { relOption, relTable } from './options/relOption'
import { snapshotOption, snapshotTable, type SnapshotOptionInput } from './options/snapshotOption'
import { targetOption, targetTable } from './options/targetOption'

export type SpectrumPart = 'Q' | 'P'

export interface RunView {
  /** index into the run's snapshot times */
  snapshotIndex: number
  part: SpectrumPart
  /** frequencies of the decay curves (cycles per unit length) */
  pickedXi: number[]
  /** the frequency marked on every chart */
  markedXi?: number
  /** colour of this run's scale set (compare view: one per run) */
  colorIndex?: number
  /** common y ranges for side-by-side charts */
  snapshotRange?: { min: number; max: number }
  decayRange?: { min: number; max: number }
  relMax?: number
}

export const FIGURE_KEYS = [
  'heatmap-training', 'heatmap-diffusion', 'heatmap-training-P', 'heatmap-diffusion-P',
  'snapshot', 'decay', 'coefficients', 'target', 'loss', 'rel',
] as const
export type FigureKey = (typeof FIGURE_KEYS)[number]

/** Rows of the training spectra received so far (a prefix: snapshots arrive in order). */
export function filledRows(data: RunChartData): number {
  let rows = 0
  while (rows < data.filled.length && data.filled[rows]) rows++
  return rows
}

/** The grid index nearest to a frequency. */
export function nearestXiIndex(data: RunChartData, xi: number): number {
  let best = 0
  for (let i = 1; i < data.xi.length; i++) if (Math.abs(data.xi[i] - xi) < Math.abs(data.xi[best] - xi)) best = i
  return best
}

/** A snapshot index clamped into the rows that exist (the latest filled one for live runs). */
export function clampSnapshot(data: RunChartData, index: number): number {
  return Math.max(0, Math.min(index, data.times.length - 1))
}

function spectra(data: RunChartData, source: 'training' | 'diffusion' | 'ntk') {
  return source === 'training' ? data.training : data.models[source]
}

/** Whether the run is streaming now (its data change as snapshots arrive). */
export function isStreaming(data: RunChartData): boolean {
  return data.source === 'live' && (data.status === 'running' || data.status === 'queued')
}

/** The training rows the colour range uses: the first while streaming, all of them otherwise. */
function rangeRows(data: RunChartData): number {
  return isStreaming(data) ? Math.min(1, filledRows(data)) : filledRows(data)
}

/** Colour ranges computed so far, per run data object: "<part>:<rows used>" -> range. */
const rangeCache = new WeakMap<RunChartData, Map<string, { min: number; max: number }>>()

/**
 * The common log10 colour range of the training and diffusion heatmaps of one part. While a run
 * streams, the range comes from the models and the first training row (the initial error) only,
 * so it stays put as rows arrive and the diffusion heatmap need not be redrawn; a stored or
 * finished run uses every row. The same object comes back while its inputs stay the same (computed once).
 */
export function heatmapRange(data: RunChartData, part: SpectrumPart): { min: number; max: number } {
  const F = data.xi.length
  const rows = rangeRows(data)
  const key = `${part}:${rows}`
  let cache = rangeCache.get(data)
  if (!cache) rangeCache.set(data, (cache = new Map()))
  const known = cache.get(key)
  if (known) return known
  const training = spectra(data, 'training')?.[part]
  const matrices = [
    ...(training && rows > 0 ? [ArrayBuffer.isView(training) ? training.subarray(0, rows * F) : training.slice(0, rows * F)] : []),
    ...(['diffusion', 'ntk'] as const).map((model) => spectra(data, model)?.[part]).filter((m): m is NonNullable<typeof m> => m !== undefined),
  ]
  const range = log10Range(matrices, 8)
  cache.set(key, range)
  return range
}

/** A figure whose option and table are built on first use (then kept). */
export interface RunFigure extends Figure {
  /**
   * the option for the screen, built once (a heatmap paints its rows from cached images); its
   * `prepare`, when present, does the costly part in bounded slices first (EChart.vue)
   */
  screen: (() => EChartsOption) & { prepare?: () => boolean }
  /** the heatmap's cells (tests, tools), built on each call; undefined for other figures */
  cells?: () => HeatmapCells
}

/** Time per job for rasterising a heatmap's rows before its first draw (the scheduler's task budget is 8 ms). */
const RASTER_SLICE_MS = 8

/**
 * A figure built lazily: `option` (what export renders) and `table` are getters that build once;
 * `screen` is the option the chart shows (the same one unless given).
 */
export function lazyFigure(
  name: string, buildOption: () => EChartsOption, buildTable: () => Figure['table'],
  extra: { screen?: () => EChartsOption; prepare?: () => boolean; cells?: () => HeatmapCells; height?: number; width?: number } = {},
): RunFigure {
  let option: EChartsOption | undefined
  let table: Figure['table'] | undefined
  let screen: EChartsOption | undefined
  const exported = () => (option ??= buildOption())
  const { screen: buildScreen, prepare, ...rest } = extra
  const screenOption = buildScreen ? () => (screen ??= buildScreen()) : exported
  return {
    name,
    get option() { return exported() },
    get table() { return (table ??= buildTable()) },
    screen: prepare ? Object.assign(screenOption, { prepare }) : screenOption,
    ...rest,
  }
}

/** The key of a heatmap colour range: it changes exactly when heatmapRange's answer may change. */
export function heatmapRangeKey(data: RunChartData, part: SpectrumPart): string {
  return `${data.runId}:${data.source}:${part}:${rangeRows(data)}`
}

/**
 * The heatmap of one source and part. range: the colour range, or a function giving it (default
 * heatmapRange of the run), called when the option is built, not now.
 */
export function heatmapFigure(
  data: RunChartData, source: 'training' | 'diffusion', part: SpectrumPart,
  range?: { min: number; max: number } | (() => { min: number; max: number }), markedXi?: number,
): RunFigure | null {
  const values = spectra(data, source)?.[part]
  if (!values) return null
  const rows = source === 'training' ? filledRows(data) : undefined
  let input: HeatmapOptionInput | undefined
  const get = (): HeatmapOptionInput => {
    if (input) return input
    const r = typeof range === 'function' ? range() : range ?? heatmapRange(data, part)
    input = {
      xi: data.xi, times: data.times, values, part, markedXi, min: r.min, max: r.max, rows,
      title: `${source === 'training' ? 'Training' : 'Diffusion model'}: log10 |${part}(xi, t)|`,
    }
    return input
  }
  let painter: HeatmapRowPainter | undefined
  const painterOf = (): HeatmapRowPainter => {
    const i = get()
    return (painter ??= rasterPainter(values, data.xi.length, data.times.length, rows ?? data.times.length, i.min, i.max))
  }
  return lazyFigure(`heatmap-${source}${part === 'P' ? '-P' : ''}`, () => heatmapOption(get()), () => heatmapTable(get()), {
    screen: () => heatmapOption(get(), painterOf()),
    prepare: () => painterOf().prepare?.(RASTER_SLICE_MS) ?? true,
    cells: () => heatmapCells(get()),
    height: 300,
  })
}

export function snapshotInput(data: RunChartData, view: RunView): SnapshotOptionInput {
  const F = data.xi.length
  const s = clampSnapshot(data, view.snapshotIndex)
  const row = (source: 'training' | 'diffusion' | 'ntk') => {
    const values = spectra(data, source)?.[view.part]
    if (!values) return undefined
    if (source === 'training' && !data.filled[s]) return undefined
    return rowOf(values, s, F)
  }
  return {
    xi: data.xi, training: row('training'), diffusion: row('diffusion'), ntk: row('ntk'),
    t: data.times[s], part: view.part, markedXi: view.markedXi,
    color: scaleSetColor(view.colorIndex ?? 0), yMin: view.snapshotRange?.min, yMax: view.snapshotRange?.max,
  }
}

export function snapshotFigure(data: RunChartData, view: RunView): RunFigure {
  const name = `snapshot-${view.part}-t${data.times[clampSnapshot(data, view.snapshotIndex)].toPrecision(3)}`
  let input: SnapshotOptionInput | undefined
  const get = () => (input ??= snapshotInput(data, view))
  return lazyFigure(name, () => snapshotOption(get()), () => snapshotTable(get()))
}

export function decayInput(data: RunChartData, view: RunView): DecayOptionInput {
  const F = data.xi.length
  const S = data.times.length
  const rows = filledRows(data)
  const curves: DecayCurve[] = view.pickedXi.map((xi) => {
    const f = nearestXiIndex(data, xi)
    const column = (source: 'training' | 'diffusion' | 'ntk') => {
      const values = spectra(data, source)?.[view.part]
      return values ? columnOf(values, f, F, S) : undefined
    }
    return { xi: data.xi[f], training: column('training'), diffusion: column('diffusion'), ntk: column('ntk') }
  })
  return {
    times: data.times, curves, part: view.part, rows, markedTime: data.times[clampSnapshot(data, view.snapshotIndex)],
    colorOffset: 0, yMin: view.decayRange?.min, yMax: view.decayRange?.max,
  }
}

export function decayFigure(data: RunChartData, view: RunView): RunFigure {
  let input: DecayOptionInput | undefined
  const get = () => (input ??= decayInput(data, view))
  return lazyFigure(`decay-${view.part}`, () => decayOption(get()), () => decayTable(get()))
}

export function coefficientsFigure(data: RunChartData, view: RunView): RunFigure | null {
  const coefficients = data.coefficients
  if (!coefficients) return null
  const input = { xi: data.xi, coefficients, markedXi: view.markedXi, title: 'Coefficients R(xi), D(xi)' }
  return lazyFigure('coefficients', () => coefficientsOption(input), () => coefficientsTable(input))
}

export function targetFigure(data: RunChartData, view: RunView): RunFigure {
  const N = data.target.length
  const s = clampSnapshot(data, view.snapshotIndex)
  const filled = data.filled[s]
  const input = () => ({
    points: data.points, target: data.target, output: filled ? rowOf(data.output, s, N) : undefined, dim: data.dim, t: data.times[s],
    title: 'Target and network output',
  })
  return lazyFigure('target-output', () => targetOption(input()), () => targetTable(input()))
}

export function lossFigure(data: RunChartData, view: RunView): RunFigure {
  // the loss arrays grow while a run streams: take the part that exists now
  const n = Math.min(data.lossSteps.length, data.loss.length)
  const input = {
    steps: data.lossSteps.slice(0, n), loss: data.loss.slice(0, n), learningRate: data.learningRate,
    markedTime: data.times[clampSnapshot(data, view.snapshotIndex)], tMax: data.times[data.times.length - 1],
  }
  return lazyFigure('loss', () => lossOption(input), () => lossTable(input))
}

export function relFigure(data: RunChartData, view: RunView): RunFigure {
  const input = {
    times: data.times,
    // copies: a streaming run fills these in place
    rel: { ...(data.models.diffusion ? { diffusion: [...data.rel.diffusion] } : {}), ...(data.models.ntk ? { ntk: [...data.rel.ntk] } : {}) },
    color: scaleSetColor(view.colorIndex ?? 0),
    markedTime: data.times[clampSnapshot(data, view.snapshotIndex)],
    yMax: view.relMax,
  }
  return lazyFigure('rel', () => relOption(input), () => relTable(input))
}

/** Every figure of a run for "Export all figures" (P heatmaps only where P carries information). */
export function allRunFigures(data: RunChartData, view: RunView): RunFigure[] {
  const figures: (RunFigure | null)[] = []
  const parts: SpectrumPart[] = data.hasP ? ['Q', 'P'] : ['Q']
  for (const part of parts) {
    figures.push(heatmapFigure(data, 'training', part, undefined, view.markedXi), heatmapFigure(data, 'diffusion', part, undefined, view.markedXi))
  }
  figures.push(
    snapshotFigure(data, view), decayFigure(data, view), coefficientsFigure(data, view), targetFigure(data, view),
    lossFigure(data, view), relFigure(data, view),
  )
  return figures.filter((figure): figure is RunFigure => figure !== null)
}

/** Default frequencies for the decay curves: three spread over the analysis band (or the grid). */
export function defaultPickedXi(data: RunChartData): number[] {
  const F = data.xi.length
  if (F === 0) return []
  const top = data.band && data.band > 0 ? data.band : data.xi[F - 1]
  return [0.15, 0.5, 0.85].map((fraction) => data.xi[nearestXiIndex(data, fraction * top)])
    .filter((xi, i, all) => all.indexOf(xi) === i)
}

/** The smallest and largest positive |values| over several arrays (for common log ranges). */
export function positiveExtent(arrays: (ArrayLike<number | null> | undefined)[]): { min: number; max: number } | undefined {
  let min = Infinity
  let max = 0
  for (const values of arrays) {
    if (!values) continue
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v == null) continue
      const a = Math.abs(v)
      if (!(a > 0) || !Number.isFinite(a)) continue
      if (a < min) min = a
      if (a > max) max = a
    }
  }
  return max > 0 ? { min, max } : undefined
}

/** A log axis range over an extent: whole decades, at most `decades` of them. */
export function logAxisRange(extent: { min: number; max: number } | undefined, decades = 8): { min: number; max: number } | undefined {
  if (!extent) return undefined
  const max = 10 ** Math.ceil(Math.log10(extent.max))
  const min = Math.max(10 ** Math.floor(Math.log10(extent.min)), max / 10 ** decades)
  return { min, max }
}
