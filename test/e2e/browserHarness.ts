/**
 * The browser-mode end-to-end harness: the workbench services and the browser-mode server in a
 * fresh temporary workspace (so the first start copies the bundled example), Debian's Chromium
 * driven by playwright-core (Playwright's own browser download is blocked here), and helpers to
 * read what the charts draw (their ECharts options through window.__workbenchCharts, registered
 * by src/renderer/src/charts/EChart.vue), to measure the page's long tasks, to check exported
 * files and to write screenshots of the main views.
 *
 * It builds nothing: `npm test` builds out/node (scripts/buildNode.mjs) and out/renderer
 * (electron-vite build) before Vitest starts. Where Chromium is missing the suites skip and say
 * why (browserSkipReason); a missing build is an error, not a skip.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import type { WorkbenchServices } from '../../src/shared/api/workbenchApi'
import { startBrowserModeServer, type BrowserModeServer } from '../../src/main/server/browserModeServer'
import { createServices } from '../../src/main/services/createServices'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
/** Debian's Chromium (ARCHITECTURE.md, Testing); MSCALE_CHROMIUM overrides it. */
export const CHROMIUM_EXECUTABLE = process.env.MSCALE_CHROMIUM ?? '/usr/bin/chromium'
/** Where every e2e run writes its screenshots (git-ignored). */
export const SCREENSHOT_DIR = join(ROOT, 'test/e2e/screenshots')
export const RENDERER_DIR = join(ROOT, 'out/renderer')
const RUN_WORKER = join(ROOT, 'out/node/runWorker.mjs')
const PREVIEW_WORKER = join(ROOT, 'out/node/previewWorker.mjs')

/**
 * The flags Chromium needs here: it runs as root without a display or a network. Without the
 * background-networking flags it floods the closed network with refused connections.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
]

/** A desktop-sized window, so the screenshots show the layout researchers see. */
export const VIEWPORT = { width: 1600, height: 1000 }

/** Why the browser suites cannot run here (printed, and the suites skip), or null. */
export function browserSkipReason(): string | null {
  if (!existsSync(CHROMIUM_EXECUTABLE)) {
    return `Chromium is not installed at ${CHROMIUM_EXECUTABLE}. Install it (Debian: apt-get install chromium) `
      + 'or point MSCALE_CHROMIUM at a Chromium executable; Playwright\'s own browser download is not used.'
  }
  return null
}

/** Throws with what to run when a build the harness needs is missing. */
export function requireBuilds(): void {
  const missing: string[] = []
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) missing.push(`${RENDERER_DIR}/index.html (build it with \`npx electron-vite build\`)`)
  for (const worker of [RUN_WORKER, PREVIEW_WORKER]) {
    if (!existsSync(worker)) missing.push(`${worker} (build it with \`node scripts/buildNode.mjs\`)`)
  }
  if (missing.length > 0) {
    throw new Error(`The browser-mode e2e tests need built files that are missing: ${missing.join('; ')}. \`npm test\` builds them all.`)
  }
}

/** A long task the page's main thread ran (PerformanceObserver 'longtask'), in ms. */
export interface LongTask {
  startTime: number
  duration: number
}

/**
 * Installed before any page script (page.addInitScript): records every long task (> 50 ms on the
 * main thread) into window.__e2eLongTasks, so a test can read the worst one in a time window.
 */
function installLongTaskObserver(): void {
  const scope = window as unknown as { __e2eLongTasks?: { startTime: number; duration: number }[] }
  scope.__e2eLongTasks = []
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) scope.__e2eLongTasks?.push({ startTime: entry.startTime, duration: entry.duration })
    }).observe({ type: 'longtask', buffered: true })
  } catch {
    // 'longtask' unsupported: __e2eLongTasksUnsupported tells the test, which then fails
    ;(window as unknown as { __e2eLongTasksUnsupported?: boolean }).__e2eLongTasksUnsupported = true
  }
}

export interface BrowserHarness {
  server: BrowserModeServer
  /** the services behind the server, for checks from Node (run list, files) */
  services: WorkbenchServices
  workspaceRoot: string
  settingsDir: string
  browser: Browser
  context: BrowserContext
  page: Page
  /** console errors and uncaught exceptions of the page, for failure messages */
  pageErrors: string[]
  /** Opens the tokened URL in the harness page and waits for the page to load. */
  open(): Promise<void>
  /** Writes test/e2e/screenshots/<name>.png of the page (or one element); returns its path. */
  screenshot(name: string, target?: Locator): Promise<string>
  close(): Promise<void>
}

export interface HarnessOptions {
  /** parallel runs of the run service (default 2) */
  concurrency?: number
}

/**
 * Starts everything in a fresh temporary workspace and settings folder, and opens nothing yet
 * (call open()). The example copy is made by the workspace service on the page's first
 * workspace.startupProject.
 */
export async function startBrowserHarness(options: HarnessOptions = {}): Promise<BrowserHarness> {
  requireBuilds()
  const base = mkdtempSync(join(tmpdir(), 'mscale-e2e-'))
  const workspaceRoot = join(base, 'workspace')
  const settingsDir = join(base, 'settings')
  mkdirSync(workspaceRoot)
  mkdirSync(settingsDir)
  mkdirSync(SCREENSHOT_DIR, { recursive: true })

  const services = createServices({ mode: 'browser', workspaceRoot, settingsDir, concurrency: options.concurrency ?? 2 })
  let server: BrowserModeServer | undefined
  let browser: Browser | undefined
  try {
    server = await startBrowserModeServer({ port: 0, workspaceRoot, rendererDir: RENDERER_DIR, services, onProblem: (message) => console.error(`[e2e server] ${message}`) })
    const { chromium } = await import('playwright-core')
    // launch() gives the browser a fresh temporary profile (user-data dir), removed on close.
    browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 })
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, acceptDownloads: false })
    const page = await context.newPage()
    await page.addInitScript(installLongTaskObserver)
    const pageErrors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => pageErrors.push(`uncaught: ${error.message}`))

    const started = server
    const launched = browser
    let closed = false
    return {
      server: started,
      services,
      workspaceRoot,
      settingsDir,
      browser: launched,
      context,
      page,
      pageErrors,
      async open() {
        const response = await page.goto(started.url, { waitUntil: 'load', timeout: 30_000 })
        if (!response || response.status() !== 200) {
          throw new Error(`The workbench page ${started.origin} answered ${response?.status() ?? 'nothing'} to its tokened URL.`)
        }
      },
      async screenshot(name, target) {
        const path = join(SCREENSHOT_DIR, `${name}.png`)
        if (target) await target.screenshot({ path, animations: 'disabled', timeout: 15_000 })
        else await page.screenshot({ path, animations: 'disabled', timeout: 15_000 })
        return path
      },
      async close() {
        if (closed) return
        closed = true
        await launched.close().catch(() => undefined)
        await started.close()
        await services.dispose?.()
        rmSync(base, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await browser?.close().catch(() => undefined)
    await server?.close().catch(() => undefined)
    await services.dispose?.()
    rmSync(base, { recursive: true, force: true })
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// Charts: what they draw, read from their ECharts options
// ---------------------------------------------------------------------------------------------

/** One series of a chart, summarised: enough to see that data arrived and changed. */
export interface SeriesSummary {
  name: string
  type: string
  /** data points (rows of its dataset, or entries of series.data) */
  length: number
  /** points whose value is a finite number (not null: a gap) */
  finite: number
  min: number
  max: number
  /** a position-weighted sum of the values: changes when the data change */
  checksum: number
  /** the first and the last values (value dimension: y for lines, the colour value for heatmaps) */
  head: (number | null)[]
  tail: (number | null)[]
}

export interface ChartSummary {
  id: string
  series: SeriesSummary[]
  xAxisNames: string[]
  yAxisNames: string[]
  /** log axes present ('x' or 'y') */
  logAxes: string[]
  title: string
  /** the heatmap's colour range, if any */
  visualMap?: { min: number; max: number; text: string[] }
}

/**
 * Summarises the chart registered under id in window.__workbenchCharts (EChart.vue): every
 * series' values read from its dataset (encode.y, or encode.value for heatmaps) or its data.
 * Runs in the page; null when no such chart is mounted.
 */
function summariseChartInPage(id: string): ChartSummary | null {
  type Columns = Record<string, ArrayLike<unknown>>
  const registry = (window as unknown as { __workbenchCharts?: Record<string, () => unknown> }).__workbenchCharts
  const read = registry?.[id]
  if (!read) return null
  const option = read() as Record<string, unknown> | null
  if (!option) return null
  const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value : value ? [value] : []) as Record<string, unknown>[]
  const datasets = list(option.dataset)
  const numberOf = (value: unknown): number | null => {
    if (typeof value === 'number') return Number.isFinite(value) ? value : null
    if (value !== null && typeof value === 'object' && 'value' in value) return numberOf((value as { value: unknown }).value)
    return null
  }
  const columnOf = (dataset: Record<string, unknown> | undefined, dimension: unknown): ArrayLike<unknown> | null => {
    const source = dataset?.source
    if (!source) return null
    if (Array.isArray(source)) {
      // rows; a header row names the dimensions, otherwise the dimension is an index
      const rows = source as unknown[][]
      const header = Array.isArray(rows[0]) && rows[0].every((cell) => typeof cell === 'string') ? rows[0] as string[] : null
      const index = typeof dimension === 'number' ? dimension : header ? header.indexOf(String(dimension)) : -1
      if (index < 0) return null
      return (header ? rows.slice(1) : rows).map((row) => (Array.isArray(row) ? row[index] : null))
    }
    const columns = source as Columns
    if (typeof dimension === 'number') return Object.values(columns)[dimension] ?? null
    return columns[String(dimension)] ?? null
  }
  const visualMaps = list(option.visualMap)
  const series: SeriesSummary[] = list(option.series).map((entry, seriesIndex) => {
    const type = String(entry.type ?? '')
    const encode = (entry.encode ?? {}) as Record<string, unknown>
    const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value)
    let values: ArrayLike<unknown> | null = null
    // The value a point shows: the colour dimension of a heatmap, or of a custom series a visualMap
    // colours (the workbench's heatmap rows), else y.
    const visual = visualMaps.find((map) => map.seriesIndex === undefined || map.seriesIndex === seriesIndex
      || (Array.isArray(map.seriesIndex) && map.seriesIndex.includes(seriesIndex)))
    const colourDimension = typeof visual?.dimension === 'number' ? visual.dimension : undefined
    const dimension = type === 'heatmap' ? first(encode.value) ?? colourDimension ?? 2
      : type === 'custom' && colourDimension !== undefined ? colourDimension
        : first(encode.y) ?? 1
    if (Array.isArray(entry.data) && entry.data.length > 0) {
      values = (entry.data as unknown[]).map((point) => {
        const item = point !== null && typeof point === 'object' && !Array.isArray(point) && 'value' in point ? (point as { value: unknown }).value : point
        if (Array.isArray(item)) return item[typeof dimension === 'number' ? dimension : 1]
        return item
      })
    } else {
      const datasetIndex = typeof entry.datasetIndex === 'number' ? entry.datasetIndex : 0
      values = columnOf(datasets[datasetIndex], dimension)
    }
    let finite = 0
    let min = Infinity
    let max = -Infinity
    let checksum = 0
    const head: (number | null)[] = []
    const length = values?.length ?? 0
    for (let i = 0; i < length; i++) {
      const v = numberOf(values![i])
      if (head.length < 5) head.push(v)
      if (v === null) continue
      finite++
      if (v < min) min = v
      if (v > max) max = v
      checksum += v * ((i % 997) + 1)
    }
    const tail: (number | null)[] = []
    for (let i = Math.max(0, length - 5); i < length; i++) tail.push(numberOf(values![i]))
    return { name: String(entry.name ?? ''), type, length, finite, min, max, checksum, head, tail }
  })
  const axisNames = (value: unknown) => list(value).map((axis) => String(axis.name ?? ''))
  const logAxes = [
    ...list(option.xAxis).filter((axis) => axis.type === 'log').map(() => 'x'),
    ...list(option.yAxis).filter((axis) => axis.type === 'log').map(() => 'y'),
  ]
  const visual = visualMaps[0]
  return {
    id,
    series,
    xAxisNames: axisNames(option.xAxis),
    yAxisNames: axisNames(option.yAxis),
    logAxes,
    title: list(option.title).map((title) => String(title.text ?? '')).filter(Boolean).join(' / '),
    visualMap: visual ? { min: Number(visual.min), max: Number(visual.max), text: list(visual.text).map(String) } : undefined,
  }
}

/** The summary of one chart, or null when it is not mounted. */
export function readChart(page: Page, id: string): Promise<ChartSummary | null> {
  return page.evaluate(summariseChartInPage, id)
}

/** The ids of every chart registered now (mounted charts with a chartId). */
export function chartIds(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys((window as unknown as { __workbenchCharts?: Record<string, unknown> }).__workbenchCharts ?? {}))
}

/**
 * Waits until the chart's summary satisfies the condition; on timeout the error says what was
 * awaited and what the chart showed last.
 */
export async function waitForChart(
  page: Page, id: string, condition: (chart: ChartSummary) => boolean, what: string, timeoutMs = 30_000,
): Promise<ChartSummary> {
  const deadline = Date.now() + timeoutMs
  let last: ChartSummary | null = null
  for (;;) {
    last = await readChart(page, id)
    if (last && condition(last)) return last
    if (Date.now() > deadline) {
      const shown = last ? JSON.stringify({ ...last, series: last.series.map(({ head: _head, tail: _tail, ...rest }) => rest) }) : 'no such chart mounted'
      const mounted = await chartIds(page).catch(() => [])
      throw new Error(`Timed out after ${timeoutMs} ms waiting for chart ${id}: ${what}. Last seen: ${shown}. Mounted charts: ${mounted.join(', ') || 'none'}.`)
    }
    await page.waitForTimeout(100)
  }
}

// ---------------------------------------------------------------------------------------------
// Waiting for elements, with messages that say what was awaited

/** The first element of `locator` once visible; the error names `what`. */
export async function visible(locator: Locator, what: string, timeoutMs = 20_000): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout: timeoutMs }).catch((error: Error) => {
    throw new Error(`${what} did not appear within ${timeoutMs} ms (${error.message.split('\n')[0]})`)
  })
  return locator.first()
}

/** Resolves once the first element of `locator` is hidden or gone; the error names `what`. */
export async function gone(locator: Locator, what: string, timeoutMs = 20_000): Promise<void> {
  await locator.first().waitFor({ state: 'hidden', timeout: timeoutMs }).catch((error: Error) => {
    throw new Error(`${what} was still shown after ${timeoutMs} ms (${error.message.split('\n')[0]})`)
  })
}

// ---------------------------------------------------------------------------------------------
// Timing: long tasks and render measures
// ---------------------------------------------------------------------------------------------

/** The page's clock (performance.now()), to mark the start of a measured window. */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now())
}

/** The long tasks that started at or after `since` (page clock). */
export async function longTasksSince(page: Page, since: number): Promise<LongTask[]> {
  const result = await page.evaluate((from) => {
    const scope = window as unknown as { __e2eLongTasks?: LongTaskEntry[]; __e2eLongTasksUnsupported?: boolean }
    type LongTaskEntry = { startTime: number; duration: number }
    if (scope.__e2eLongTasksUnsupported || !scope.__e2eLongTasks) return null
    return scope.__e2eLongTasks.filter((task) => task.startTime >= from)
  }, since)
  if (result === null) throw new Error('This Chromium does not report long tasks (PerformanceObserver "longtask"), so the main thread cannot be measured.')
  return result
}

/** performance.measure entries of one name (e.g. 'heatmap-render'), oldest first. */
export function measures(page: Page, name: string): Promise<{ startTime: number; duration: number }[]> {
  return page.evaluate((measureName) => performance.getEntriesByName(measureName, 'measure')
    .map((entry) => ({ startTime: entry.startTime, duration: entry.duration })), name)
}

// ---------------------------------------------------------------------------------------------
// Exported files
// ---------------------------------------------------------------------------------------------

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Width and height from a PNG's IHDR chunk (PNG spec 11.2.2: the first chunk, big-endian). */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.length < 24 || PNG_SIGNATURE.some((byte, i) => bytes[i] !== byte)) throw new Error('not a PNG file (bad signature)')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const chunkType = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15])
  if (chunkType !== 'IHDR') throw new Error(`not a PNG file: the first chunk is ${chunkType}, not IHDR`)
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

/**
 * Parses SVG text with the page's XML parser (DOMParser, image/svg+xml): the root element's name,
 * the parse error if any, and every <text> element's content (axis names, ticks, titles).
 */
export function parseSvgInPage(page: Page, svg: string): Promise<{ root: string; error: string | null; texts: string[]; width: string | null; height: string | null }> {
  return page.evaluate((text) => {
    const document = new DOMParser().parseFromString(text, 'image/svg+xml')
    const error = document.querySelector('parsererror')
    const root = document.documentElement
    return {
      root: root.nodeName,
      error: error ? error.textContent : null,
      texts: Array.from(document.getElementsByTagName('text')).map((node) => node.textContent ?? ''),
      width: root.getAttribute('width'),
      height: root.getAttribute('height'),
    }
  }, svg)
}

/** Parses CSV text (quoted cells with "" escapes allowed) into a header and rows. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const records: string[][] = []
  let record: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      record.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      record.push(cell)
      records.push(record)
      record = []
      cell = ''
    } else cell += c
  }
  if (cell !== '' || record.length > 0) {
    record.push(cell)
    records.push(record)
  }
  const [header = [], ...rows] = records
  return { header, rows }
}
