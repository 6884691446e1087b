/**
 * Heatmap rows as pixels for the screen (heatmapOption's painter): the rows of an S x F matrix
 * rasterised into one canvas, `repeat` pixels per cell, each row three pixels tall (the row and a
 * copy above and below, so a smoothed draw of the middle pixel never bleeds into the next row).
 * Each chart row draws its slice of that canvas. Rows are rasterised once, in one batch per
 * redraw, and kept while the matrix, its number of columns and the colour range stay the same:
 * a streaming run adds rows at the end, so only the new rows cost anything, where gradients would
 * be rebuilt for every row on every redraw (hundreds of gradients of up to 2F stops each).
 * Export keeps the vector gradients.
 *
 * Needs a DOM (canvas); the pixels come from rowPixels in ./options/heatmapOption (tested in Node).
 */
import { rowPixels, type HeatmapRowPainter, type HeatmapRowSlice } from './options/heatmapOption'
import type { NumericArray } from './options/chartCommon'

/** Cells narrower than this many pixels in total are repeated, so few wide cells stay sharp. */
const MIN_ROW_PIXELS = 512
const MAX_REPEAT = 16
/** Canvas rows per heatmap row (a copy above and below the row), and the most canvas rows. */
const ROW_PIXELS = 3
const MAX_CANVAS_HEIGHT = 16384
/** Rows rasterised per putImageData while preparing (about 1 ms for 801 columns). */
const PREPARE_ROWS = 16

interface RasterEntry {
  F: number
  min: number
  max: number
  repeat: number
  /** canvas rows per heatmap row (ROW_PIXELS, or 1 for very many rows) */
  pitch: number
  canvas: HTMLCanvasElement
  /** rows [0, drawn) are rasterised */
  drawn: number
}

const rasters = new WeakMap<object, RasterEntry>()

/** Pixels per cell for F cells. */
export function cellRepeat(F: number): number {
  return Math.max(1, Math.min(MAX_REPEAT, Math.ceil(MIN_ROW_PIXELS / Math.max(F, 1))))
}

function entryFor(values: NumericArray, F: number, S: number, min: number, max: number): RasterEntry | undefined {
  const key = values as unknown as object
  const entry = rasters.get(key)
  if (entry && entry.F === F && entry.min === min && entry.max === max && entry.canvas.height >= S * entry.pitch) return entry
  const repeat = cellRepeat(F)
  const pitch = S * ROW_PIXELS <= MAX_CANVAS_HEIGHT ? ROW_PIXELS : 1
  const canvas = document.createElement('canvas')
  canvas.width = F * repeat
  canvas.height = Math.max(1, S * pitch)
  const fresh: RasterEntry = { F, min, max, repeat, pitch, canvas, drawn: 0 }
  rasters.set(key, fresh)
  return fresh
}

/** Rasterises rows [entry.drawn, rows) in one putImageData. */
function drawRows(entry: RasterEntry, values: NumericArray, rows: number): void {
  const context = entry.canvas.getContext('2d')
  if (!context || rows <= entry.drawn) return
  const width = entry.canvas.width
  const count = rows - entry.drawn
  const image = context.createImageData(width, count * entry.pitch)
  const rowBytes = width * 4
  const row = new Uint8ClampedArray(rowBytes)
  for (let k = 0; k < count; k++) {
    rowPixels(values, entry.drawn + k, entry.F, entry.repeat, entry.min, entry.max, row)
    for (let p = 0; p < entry.pitch; p++) image.data.set(row, (k * entry.pitch + p) * rowBytes)
  }
  context.putImageData(image, 0, entry.drawn * entry.pitch)
  entry.drawn = rows
}

/**
 * A painter drawing rows [0, rows) of `values` (S x F, row-major) from the cached raster. Rows
 * of a live run must not change once filled (they do not: a snapshot fills its row once, and the
 * filled rows are a prefix); a new matrix (another run, a stored copy) starts a new raster.
 */
export function rasterPainter(values: NumericArray, F: number, S: number, rows: number, min: number, max: number): HeatmapRowPainter {
  const none: HeatmapRowPainter = { rowImage: () => undefined }
  if (typeof document === 'undefined' || F <= 0 || S <= 0) return none
  const entry = entryFor(values, F, S, min, max)
  if (!entry) return none
  const available = Math.min(rows, S, Math.floor(values.length / F))
  return {
    prepare(budgetMs: number): boolean {
      const end = performance.now() + budgetMs
      while (entry.drawn < available && performance.now() < end) drawRows(entry, values, Math.min(available, entry.drawn + PREPARE_ROWS))
      return entry.drawn >= available
    },
    rowImage(s: number): HeatmapRowSlice | undefined {
      if (s >= available) return undefined
      if (s >= entry.drawn) drawRows(entry, values, available)
      const middle = entry.pitch === ROW_PIXELS ? 1 : 0
      return { image: entry.canvas, sx: 0, sy: s * entry.pitch + middle, sWidth: entry.canvas.width, sHeight: 1 }
    },
  }
}
