/**
 * The figures of a run (UI.md, run tab): each one an option and its data table, built from the
 * run's chart data and what the user chose (snapshot, picked frequencies, part Q or P). Shared by
 * the run dashboard, the compare view and "Export all figures".
 */
import type { RunChartData } from '../stores/useRunDataStore'
import { scaleSetColor } from './chartTheme'
import type { Figure } from './figureExport'
import { coefficientsOption, coefficientsTable } from './options/coefficientsOption'
import { decayOption, decayTable, type DecayCurve, type DecayOptionInput } from './options/decayOption'
import { heatmapOption, heatmapTable, log10Range, type HeatmapOptionInput } from './options/heatmapOption'
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

/**
 * The common log10 colour range of the training and diffusion heatmaps of one part. While a run
 * streams, the range comes from the models and the first training row (the initial error) only,
 * so it stays put as rows arrive and the diffusion heatmap need not be redrawn; a stored run
 * uses every row.
 */
export function heatmapRange(data: RunChartData, part: SpectrumPart): { min: number; max: number } {
  const F = data.xi.length
  const rows = data.source === 'live' ? Math.min(1, filledRows(data)) : filledRows(data)
  const training = spectra(data, 'training')?.[part]
  const matrices = [
    ...(training && rows > 0 ? [Array.prototype.slice.call(training, 0, rows * F) as number[]] : []),
    ...(['diffusion', 'ntk'] as const).map((model) => spectra(data, model)?.[part]).filter((m): m is NonNullable<typeof m> => m !== undefined),
  ]
  return log10Range(matrices, 8)
}

export function heatmapFigure(
  data: RunChartData, source: 'training' | 'diffusion', part: SpectrumPart,
  range: { min: number; max: number }, markedXi?: number,
): Figure | null {
  const values = spectra(data, source)?.[part]
  if (!values) return null
  const input: HeatmapOptionInput = {
    xi: data.xi, times: data.times, values, part, markedXi, ...range,
    title: `${source === 'training' ? 'Training' : 'Diffusion model'}: log10 |${part}(xi, t)|`,
    rows: source === 'training' ? filledRows(data) : undefined,
  }
  return { name: `heatmap-${source}${part === 'P' ? '-P' : ''}`, option: heatmapOption(input), table: heatmapTable(input), height: 300 }
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

export function snapshotFigure(data: RunChartData, view: RunView): Figure {
  const input = snapshotInput(data, view)
  return { name: `snapshot-${view.part}-t${data.times[clampSnapshot(data, view.snapshotIndex)].toPrecision(3)}`, option: snapshotOption(input), table: snapshotTable(input) }
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

export function decayFigure(data: RunChartData, view: RunView): Figure {
  const input = decayInput(data, view)
  return { name: `decay-${view.part}`, option: decayOption(input), table: decayTable(input) }
}

export function coefficientsFigure(data: RunChartData, view: RunView): Figure | null {
  if (!data.coefficients) return null
  const input = { xi: data.xi, coefficients: data.coefficients, markedXi: view.markedXi, title: 'Coefficients R(xi), D(xi)' }
  return { name: 'coefficients', option: coefficientsOption(input), table: coefficientsTable(input) }
}

export function targetFigure(data: RunChartData, view: RunView): Figure {
  const N = data.target.length
  const s = clampSnapshot(data, view.snapshotIndex)
  const output = data.filled[s] ? rowOf(data.output, s, N) : undefined
  const input = { points: data.points, target: data.target, output, dim: data.dim, t: data.times[s], title: 'Target and network output' }
  return { name: 'target-output', option: targetOption(input), table: targetTable(input) }
}

export function lossFigure(data: RunChartData, view: RunView): Figure {
  const input = {
    steps: data.lossSteps, loss: data.loss, learningRate: data.learningRate,
    markedTime: data.times[clampSnapshot(data, view.snapshotIndex)], tMax: data.times[data.times.length - 1],
  }
  return { name: 'loss', option: lossOption(input), table: lossTable(input) }
}

export function relFigure(data: RunChartData, view: RunView): Figure {
  const input = {
    times: data.times,
    rel: { ...(data.models.diffusion ? { diffusion: data.rel.diffusion } : {}), ...(data.models.ntk ? { ntk: data.rel.ntk } : {}) },
    color: scaleSetColor(view.colorIndex ?? 0),
    markedTime: data.times[clampSnapshot(data, view.snapshotIndex)],
    yMax: view.relMax,
  }
  return { name: 'rel', option: relOption(input), table: relTable(input) }
}

/** Every figure of a run for "Export all figures" (P heatmaps only where P carries information). */
export function allRunFigures(data: RunChartData, view: RunView): Figure[] {
  const figures: (Figure | null)[] = []
  const parts: SpectrumPart[] = data.hasP ? ['Q', 'P'] : ['Q']
  for (const part of parts) {
    const range = heatmapRange(data, part)
    figures.push(heatmapFigure(data, 'training', part, range, view.markedXi), heatmapFigure(data, 'diffusion', part, range, view.markedXi))
  }
  figures.push(
    snapshotFigure(data, view), decayFigure(data, view), coefficientsFigure(data, view), targetFigure(data, view),
    lossFigure(data, view), relFigure(data, view),
  )
  return figures.filter((figure): figure is Figure => figure !== null)
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
