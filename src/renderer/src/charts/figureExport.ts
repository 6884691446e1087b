/**
 * Figure export (issue 3, "Export"): a figure is an EChartsOption plus the table of its data.
 *
 * - PNG: rendered offscreen on a canvas at a pixel ratio (1 to 4) of a CSS size, or at a size in
 *   inches and a dpi; the PNG has exactly the requested pixel size (width x ratio, or inches x dpi,
 *   rounded to whole pixels).
 * - SVG: vector, from ECharts' SVG renderer (server-side rendering mode: no DOM needed).
 * - CSV: the figure's data table, values written with full float64 precision.
 *
 * Both images use the paper theme by default (white, larger fonts, thicker lines), with the
 * screen-only chrome (zoom, tooltips, animation) removed. Writing goes through the workspace
 * service: workspace.writeFile({ path, data }), Uint8Array for PNG, string for SVG and CSV.
 */
import type { EChartsOption } from 'echarts'
import { ServiceError } from '../../../shared/api/serviceContract'
import { NO_NATIVE_DIALOG_ERROR } from '../../../shared/api/workbenchApi'
import { csvCell } from '../../../shared/study/csvText'
import { resolveThemeName, type ChartThemeName } from './chartTheme'
import { echarts } from './echartsSetup'
import type { DataTable } from './options/chartCommon'

/** CSS pixels per inch: exported sizes in inches lay the chart out at 96 px per inch. */
export const CSS_PIXELS_PER_INCH = 96
export const MIN_PIXEL_RATIO = 1
export const MAX_PIXEL_RATIO = 4
/** The CSS size of a figure exported without one (about 8.3 x 5.2 inches at 96 px/in). */
export const DEFAULT_FIGURE_SIZE = { width: 800, height: 500 }

/** A figure: what the chart draws and the data behind it. */
export interface Figure {
  /** file name without extension, e.g. "heatmap-training" */
  name: string
  option: EChartsOption
  table: DataTable
  /** CSS size of the chart (default DEFAULT_FIGURE_SIZE) */
  width?: number
  height?: number
}

export type PngSize =
  | { pixelRatio: number; width?: number; height?: number }
  | { widthInches: number; heightInches: number; dpi: number }

export interface ImageExportOptions {
  theme?: ChartThemeName
}

export interface WorkspaceWriter {
  writeFile(args: { path: string; data: string | Uint8Array }): Promise<{ path: string }>
}

export interface DirectoryChooser {
  chooseDirectory(args: { purpose: 'export-folder'; defaultPath?: string }): Promise<string | null>
}

/** The layout (CSS px) and pixel ratio of a PNG request, and the exact pixel size it must have. */
export function pngLayout(size: PngSize, figure: { width?: number; height?: number } = {}): {
  cssWidth: number; cssHeight: number; pixelRatio: number; pixelWidth: number; pixelHeight: number
} {
  if ('dpi' in size) {
    if (!(size.widthInches > 0) || !(size.heightInches > 0)) throw new Error(`A figure size must be positive, got ${size.widthInches} x ${size.heightInches} inches.`)
    if (!(size.dpi >= 24 && size.dpi <= 1200)) throw new Error(`The dpi must lie between 24 and 1200, got ${size.dpi}.`)
    const pixelWidth = Math.round(size.widthInches * size.dpi)
    const pixelHeight = Math.round(size.heightInches * size.dpi)
    return {
      cssWidth: size.widthInches * CSS_PIXELS_PER_INCH,
      cssHeight: size.heightInches * CSS_PIXELS_PER_INCH,
      pixelRatio: size.dpi / CSS_PIXELS_PER_INCH,
      pixelWidth,
      pixelHeight,
    }
  }
  if (!(size.pixelRatio >= MIN_PIXEL_RATIO && size.pixelRatio <= MAX_PIXEL_RATIO)) {
    throw new Error(`The pixel ratio must lie between ${MIN_PIXEL_RATIO} and ${MAX_PIXEL_RATIO}, got ${size.pixelRatio}.`)
  }
  const cssWidth = Math.round(size.width ?? figure.width ?? DEFAULT_FIGURE_SIZE.width)
  const cssHeight = Math.round(size.height ?? figure.height ?? DEFAULT_FIGURE_SIZE.height)
  return {
    cssWidth, cssHeight, pixelRatio: size.pixelRatio,
    pixelWidth: Math.round(cssWidth * size.pixelRatio), pixelHeight: Math.round(cssHeight * size.pixelRatio),
  }
}

/** The option as it goes on paper: no zoom, no tooltips, no animation, white background. */
export function paperOption(option: EChartsOption, theme: ChartThemeName = 'paper'): EChartsOption {
  const { dataZoom: _zoom, tooltip: _tooltip, toolbox: _toolbox, ...rest } = option as Record<string, unknown>
  return {
    ...rest,
    animation: false,
    ...(theme === 'paper' ? { backgroundColor: '#ffffff' } : {}),
    series: ((Array.isArray(option.series) ? option.series : option.series ? [option.series] : []) as Record<string, unknown>[])
      .map((series) => ({ ...series, progressive: 0 })),
  } as EChartsOption
}

/** SVG text of a figure (ECharts' SVG renderer, server-side mode: works without a DOM). */
export function renderSvg(figure: Figure, options: ImageExportOptions & { width?: number; height?: number } = {}): string {
  const theme = options.theme ?? 'paper'
  const width = Math.round(options.width ?? figure.width ?? DEFAULT_FIGURE_SIZE.width)
  const height = Math.round(options.height ?? figure.height ?? DEFAULT_FIGURE_SIZE.height)
  const chart = echarts.init(null, resolveThemeName(theme, false), { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption(paperOption(figure.option, theme))
    const svg = chart.renderToSVGString()
    return svg.startsWith('<?xml') ? svg : `<?xml version="1.0" encoding="UTF-8"?>\n${svg}`
  } finally {
    chart.dispose()
  }
}

/** PNG bytes of a figure, exactly the requested pixel size (needs a DOM: renderer only). */
export async function renderPng(figure: Figure, size: PngSize, options: ImageExportOptions = {}): Promise<Uint8Array> {
  const theme = options.theme ?? 'paper'
  const layout = pngLayout(size, figure)
  const host = document.createElement('div')
  host.style.cssText = `position:fixed;left:-100000px;top:0;width:${layout.cssWidth}px;height:${layout.cssHeight}px;`
  document.body.appendChild(host)
  const chart = echarts.init(host, resolveThemeName(theme, false), {
    renderer: 'canvas', width: layout.cssWidth, height: layout.cssHeight, devicePixelRatio: layout.pixelRatio,
  })
  try {
    chart.setOption(paperOption(figure.option, theme))
    const rendered = chart.renderToCanvas({ pixelRatio: layout.pixelRatio, backgroundColor: theme === 'paper' ? '#ffffff' : undefined })
    const canvas = document.createElement('canvas')
    canvas.width = layout.pixelWidth
    canvas.height = layout.pixelHeight
    const context = canvas.getContext('2d')
    if (!context) throw new Error('This browser cannot draw on a canvas, so no PNG can be made.')
    if (theme === 'paper') {
      context.fillStyle = '#ffffff'
      context.fillRect(0, 0, canvas.width, canvas.height)
    }
    context.drawImage(rendered, 0, 0, canvas.width, canvas.height)
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
    if (!blob) throw new Error(`The PNG of ${figure.name} could not be encoded (${canvas.width} x ${canvas.height} pixels).`)
    return new Uint8Array(await blob.arrayBuffer())
  } finally {
    chart.dispose()
    host.remove()
  }
}

/** CSV text of a data table: a header row, then one row per entry; numbers at full precision. */
export function csvOfTable(table: DataTable): string {
  const rows = table.values.reduce((n, column) => Math.max(n, column.length), 0)
  const lines = [table.columns.map(csvCell).join(',')]
  for (let r = 0; r < rows; r++) {
    lines.push(table.values.map((column) => csvCell(r < column.length ? column[r] : null)).join(','))
  }
  return `${lines.join('\n')}\n`
}

/**
 * CSV of an option's first dataset (key -> column object or array of rows), for figures that
 * come without a table.
 */
export function csvOfOption(option: EChartsOption): string {
  const dataset = Array.isArray(option.dataset) ? option.dataset[0] : option.dataset
  const source = (dataset as { source?: unknown } | undefined)?.source
  if (!source) return ''
  if (Array.isArray(source)) {
    return `${(source as unknown[][]).map((row) => row.map((cell) => csvCell(cell as number | string | null)).join(',')).join('\n')}\n`
  }
  const entries = Object.entries(source as Record<string, ArrayLike<number | null>>)
  return csvOfTable({ columns: entries.map(([name]) => name), values: entries.map(([, values]) => Array.from(values)) })
}

/** dir + '/' + name, whatever separator dir ends with. */
export function joinPath(dir: string, name: string): string {
  return `${dir.replace(/[\\/]+$/, '')}/${name}`
}

/** A file name from a figure name: letters, digits, '-', '_' and '.'. */
export function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'figure'
}

export type ExportFormat = 'png' | 'svg' | 'csv'

/** One figure in one format, as bytes (PNG) or text (SVG, CSV). */
export async function exportFigure(figure: Figure, format: ExportFormat, options: ImageExportOptions & { png?: PngSize } = {}): Promise<string | Uint8Array> {
  if (format === 'csv') return csvOfTable(figure.table)
  if (format === 'svg') return renderSvg(figure, options)
  return renderPng(figure, options.png ?? { pixelRatio: 2 }, options)
}

/** Exports one figure in one format into dir through the workspace service; resolves with the path written. */
export async function writeFigure(
  workspace: WorkspaceWriter, dir: string, figure: Figure, format: ExportFormat,
  options: ImageExportOptions & { png?: PngSize } = {},
): Promise<string> {
  const data = await exportFigure(figure, format, options)
  const written = await workspace.writeFile({ path: joinPath(dir, `${safeFileName(figure.name)}.${format}`), data })
  return written.path
}

/**
 * "Export all figures of a run": every figure as PNG, SVG and CSV into dir. Resolves with the
 * paths written; onProgress says how far it got (for a progress line in the UI).
 */
export async function exportAllFigures(
  workspace: WorkspaceWriter, dir: string, figures: Figure[],
  options: ImageExportOptions & { png?: PngSize; onProgress?: (done: number, total: number) => void } = {},
): Promise<string[]> {
  const formats: ExportFormat[] = ['png', 'svg', 'csv']
  const total = figures.length * formats.length
  const written: string[] = []
  for (const figure of figures) {
    for (const format of formats) {
      written.push(await writeFigure(workspace, dir, figure, format, options))
      options.onProgress?.(written.length, total)
    }
  }
  return written
}

/**
 * Asks for the export folder: the native dialog where there is one; in browser mode the service
 * refuses with NO_NATIVE_DIALOG_ERROR and this resolves { inApp: true } so the caller shows its
 * in-app folder picker. null path: the user cancelled.
 */
export async function chooseExportFolder(workspace: DirectoryChooser, defaultPath?: string): Promise<{ path: string | null } | { inApp: true }> {
  try {
    return { path: await workspace.chooseDirectory({ purpose: 'export-folder', defaultPath }) }
  } catch (error) {
    if (ServiceError.isServiceError(error) && error.code === NO_NATIVE_DIALOG_ERROR) return { inApp: true }
    throw error
  }
}
