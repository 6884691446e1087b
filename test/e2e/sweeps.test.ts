// End to end: a parameter sweep through the workbench UI in browser mode (issue 4, Acceptance:
// "creating a sweep in the UI, running a small one, and reading its table and a summary chart").
// The built renderer is served by the browser-mode server with the real services (the sweep
// service runs the points as ordinary runs) and driven in Debian's Chromium by playwright-core.
//
// The project is a tiny one (N = 101 samples, width 100, t = 0.5: each run well under a second),
// opened at start as the last project. The sweep is made in the editor: network.seed 0..1 and
// network.scales [[1], [1, 2]], 4 points. Every wait is on a condition with a timeout and a message;
// the chart assertions read the charts' ECharts options. Screenshots go to test/e2e/screenshots/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyExperiment } from '../helpers/tinyProject'
import { browserSkipReason, gone, parseCsv, readChart, startBrowserHarness, visible, waitForChart, type BrowserHarness } from './browserHarness'

const skipReason = browserSkipReason()
if (skipReason) console.warn(`[e2e/sweeps] SKIPPED: ${skipReason}`)

const PROJECT_NAME = 'sweep-study.mscale'
const BASE_ID = 'tiny'

/** Waits until an attribute satisfies the condition; the error says what was awaited and seen. */
async function waitForAttribute(locator: Locator, name: string, condition: (value: string | null) => boolean, what: string, timeoutMs = 30_000): Promise<string | null> {
  let last: string | null = null
  await expect.poll(async () => {
    last = await locator.first().getAttribute(name, { timeout: 1000 }).catch(() => null)
    return condition(last)
  }, { timeout: timeoutMs, interval: 100, message: what }).toBe(true)
    .catch((error: Error) => {
      throw new Error(`${error.message}; last ${name}: ${JSON.stringify(last)}`)
    })
  return last
}

/** The shown text of every cell of a table row, by column key. */
async function rowCells(page: Page, index: number): Promise<Record<string, string>> {
  return page.getByTestId(`sweep-row-${index}`).evaluate((row) => {
    const cells: Record<string, string> = {}
    for (const cell of Array.from(row.querySelectorAll('[data-key]'))) cells[(cell as HTMLElement).dataset.key!] = (cell.textContent ?? '').trim()
    return cells
  })
}

describe.skipIf(skipReason !== null)(`sweeps in the UI, end to end${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let h: BrowserHarness
  let page: Page
  let projectDir: string

  beforeAll(async () => {
    h = await startBrowserHarness({ concurrency: 2 })
    page = h.page
    // The tiny project, opened at start as the last project (settings.json of the workspace service).
    projectDir = join(h.workspaceRoot, PROJECT_NAME)
    mkdirSync(projectDir)
    writeFileSync(join(projectDir, 'project.json'), JSON.stringify({
      format: 'mscale-workbench/project', version: 1, name: 'sweep study', experiments: [tinyExperiment(BASE_ID)],
    }, null, 2))
    writeFileSync(join(h.settingsDir, 'settings.json'), JSON.stringify({ lastProject: projectDir, recent: [projectDir] }))
    await h.open()
    await visible(page.getByTestId(`explorer-experiment-${BASE_ID}`), 'the tiny project in the explorer')
  }, 90_000)

  afterAll(async () => {
    if (h?.pageErrors.length) console.warn(`[e2e/sweeps] page errors:\n  ${h.pageErrors.join('\n  ')}`)
    await h?.close()
  })

  it('creates a sweep in the editor, validated as typed, with its live point count', async () => {
    await (await visible(page.getByTestId('explorer-new-sweep'), 'the "New sweep" action of the empty Sweeps section')).click()
    const editor = await visible(page.getByTestId('sweep-editor'), 'the sweep editor in its tab')
    expect(await editor.getAttribute('data-sweep-id')).toBe('sweep-1')
    await visible(page.getByTestId('tab-sweep-sweep-1'), 'the sweep tab')
    // The new sweep: base = the first experiment, one axis network.seed 0..1 -> 2 points.
    expect(await page.getByTestId('sweep-field-base').inputValue()).toBe(BASE_ID)
    expect(await page.getByTestId('sweep-axis-0-path').inputValue()).toBe('network.seed')
    expect(await page.getByTestId('sweep-axis-0-values').inputValue()).toBe('0..1')
    await waitForAttribute(page.getByTestId('sweep-point-count'), 'data-points', (value) => value === '2', 'the point count of one axis 0..1')

    // A second axis: a misspelt path is refused next to the field, with the fix.
    await page.getByTestId('sweep-add-axis').click()
    await page.getByTestId('sweep-axis-1-path').fill('network.scale')
    await page.getByTestId('sweep-axis-1-values').fill('[[1], [1, 2]]')
    const pathError = await visible(page.getByTestId('sweep-error-axes[1].path'), 'the error under the misspelt axis path')
    expect(await pathError.textContent()).toMatch(/did you mean "network\.scales"/)
    // Values that are not JSON say so; the point count waits for a readable list.
    await page.getByTestId('sweep-axis-1-path').fill('network.scales')
    await gone(page.getByTestId('sweep-error-axes[1].path'), 'the path error once the path is right')
    await page.getByTestId('sweep-axis-1-values').fill('[[1], [1, 2]')
    expect(await (await visible(page.getByTestId('sweep-error-axes[1].values'), 'the error of values that are not JSON')).textContent()).toMatch(/not a JSON list/)
    await page.getByTestId('sweep-axis-1-values').fill('[[1], [1, 2]]')
    await gone(page.getByTestId('sweep-error-axes[1].values'), 'the values error once the list is readable')
    await waitForAttribute(page.getByTestId('sweep-point-count'), 'data-points', (value) => value === '4', 'the point count of a 2 x 2 grid')
    expect(await page.getByTestId('sweep-point-count').textContent()).toMatch(/4 points \(2 × 2 grid\)/)

    // maxPoints below the grid: the refusal is shown with the way to confirm.
    await page.getByTestId('sweep-field-maxPoints').fill('3')
    expect(await (await visible(page.getByTestId('sweep-refusal'), 'the refusal of a grid beyond maxPoints')).textContent()).toMatch(/4 points.*limit is 3/)
    await page.getByTestId('sweep-field-maxPoints').fill('')
    await gone(page.getByTestId('sweep-refusal'), 'the refusal once maxPoints is back to its default')
    // Every point's experiment is checked once typing pauses.
    await visible(page.getByTestId('sweep-expansion-ok'), 'the note that every point is valid')
    expect(await page.getByTestId('sweep-problems').count()).toBe(0)
  })

  it('runs the sweep (Run saves first) and fills the table live until every point is done', async () => {
    const started = Date.now()
    await page.getByTestId('sweep-run').click()
    // Saved: the sweep is in project.json as typed.
    await expect.poll(() => {
      const saved = JSON.parse(readFileSync(join(projectDir, 'project.json'), 'utf8')) as { sweeps?: unknown[] }
      return JSON.stringify(saved.sweeps ?? null)
    }, { timeout: 10_000, message: 'the sweep saved in project.json' })
      .toBe(JSON.stringify([{ id: 'sweep-1', base: BASE_ID, mode: 'grid', axes: [{ path: 'network.seed', values: { from: 0, to: 1 } }, { path: 'network.scales', values: [[1], [1, 2]] }] }]))
    await visible(page.getByTestId('sweep-table'), 'the results table')
    await waitForAttribute(page.getByTestId('sweep-progress'), 'data-finished', (value) => value === '4', 'all 4 points finished', 45_000)
    for (let index = 0; index < 4; index++) {
      await waitForAttribute(page.getByTestId(`sweep-row-${index}`), 'data-status', (value) => value === 'done', `row ${index} done`, 10_000)
    }
    console.log(`[e2e/sweeps] 4 points run in ${((Date.now() - started) / 1000).toFixed(1)} s (rough: the machine is shared)`)
    expect(await page.getByTestId('sweep-row-count').getAttribute('data-total')).toBe('4')
    expect(await page.locator('[data-testid^="sweep-row-"][data-status]').count()).toBe(4)
    await waitForAttribute(page.getByTestId('sweep-run-panel'), 'data-activity', (value) => value === 'idle', 'the sweep idle after its last point')
    expect(await page.getByTestId(`explorer-sweep-sweep-1`).getByTestId('explorer-sweep-status').textContent()).toMatch(/4\/4/)
  })

  it('reads the table: parameters, final errors, and decay times for a chosen threshold', async () => {
    const cells = await rowCells(page, 3)
    expect(cells['network.seed']).toBe('1')
    expect(cells['network.scales']).toBe('[1,2]')
    expect(cells.status).toBe('done')
    expect(Number(cells.finalErrorNorm)).toBeGreaterThan(0)
    expect(Number(cells.finalErrorNorm)).toBeLessThan(1)
    // Threshold 0.5 at the lowest default frequency: the tiny network halves its error there well
    // within t = 0.5 (a fast, low-frequency component), so the decay time is finite.
    await page.getByTestId('sweep-decay-threshold').selectOption('0.5')
    const decayKey = await expect.poll(async () => {
      const keys = await page.getByTestId('sweep-row-3').evaluate((row) => Array.from(row.querySelectorAll('[data-key^="decayTime"]')).map((cell) => (cell as HTMLElement).dataset.key!))
      return keys
    }, { timeout: 10_000, message: 'the decay-time columns' }).toHaveLength(3).then(async () => {
      const header = await page.getByTestId('sweep-table').locator('[data-testid^="sweep-sort-decayTime"]').first().textContent()
      expect(header).toMatch(/≤ 0\.5/)
      return (await page.getByTestId('sweep-table').locator('[data-testid^="sweep-sort-decayTime"]').first().getAttribute('data-testid'))!.replace('sweep-sort-', '')
    })
    const decay = (await rowCells(page, 3))[decayKey]
    expect(Number(decay), `decay time ${decayKey} of row 3: ${decay}`).toBeGreaterThan(0)
    expect(Number.isFinite(Number(decay)), `decay time ${decayKey} of row 3 is finite: ${decay}`).toBe(true)

    // Sorting by the final error, and a column filter.
    await page.getByTestId('sweep-sort-finalErrorNorm').click()
    const sorted = await page.locator('[data-testid^="sweep-row-"][data-position]').evaluateAll((rows) => rows
      .sort((a, b) => Number((a as HTMLElement).dataset.position) - Number((b as HTMLElement).dataset.position))
      .map((row) => Number(row.querySelector('[data-key="finalErrorNorm"]')?.textContent)))
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b))
    await page.getByTestId('sweep-filter-network.scales').fill('=[1,2]')
    await waitForAttribute(page.getByTestId('sweep-row-count'), 'data-shown', (value) => value === '2', 'two rows with scales [1,2]')
    await page.getByTestId('sweep-filter-network.scales').fill('')
    await waitForAttribute(page.getByTestId('sweep-row-count'), 'data-shown', (value) => value === '4', 'all rows again')
  })

  it('draws the summary charts: the metric against scales by seed, and parallel coordinates', async () => {
    await page.getByTestId('sweep-chart-x').selectOption('network.scales')
    await page.getByTestId('sweep-chart-group').selectOption('network.seed')
    await page.getByTestId('sweep-chart-metric').selectOption('finalErrorNorm')
    const chart = await waitForChart(page, 'chart-sweep-metric', (summary) => summary.series.filter((s) => s.type === 'line').length === 2
      && summary.series.every((s) => s.finite === 2), 'two lines (seed 0 and 1) of two finite points (scales [1] and [1,2])')
    expect(chart.series.map((s) => s.name).sort()).toEqual(['network.seed = 0', 'network.seed = 1'])
    expect(chart.xAxisNames).toEqual(['network.scales'])
    expect(chart.yAxisNames[0]).toMatch(/‖û\(T\)‖\/‖û\(0\)‖/)
    const categories = await page.evaluate(() => {
      const option = (window as unknown as { __workbenchCharts: Record<string, () => { xAxis: { data: string[] }[] }> }).__workbenchCharts['chart-sweep-metric']()
      return option.xAxis[0].data
    })
    expect(categories).toEqual(['[1]', '[1,2]'])
    // The line values are the table's final errors (one point per x and group here).
    const table = await Promise.all([0, 1, 2, 3].map((index) => rowCells(page, index)))
    const expected = table.filter((cells) => cells['network.seed'] === '0').map((cells) => Number(cells.finalErrorNorm))
    const seed0 = chart.series.find((s) => s.name === 'network.seed = 0')!
    expect(seed0.head.map((v) => Number(v!.toPrecision(4)))).toEqual(expected)

    const parallel = await waitForChart(page, 'chart-sweep-parallel', (summary) => summary.series[0]?.type === 'parallel' && summary.series[0].length === 4,
      'one parallel series of 4 points')
    expect(parallel.series).toHaveLength(1)
    const axes = await page.evaluate(() => {
      const option = (window as unknown as { __workbenchCharts: Record<string, () => { parallelAxis: { name: string; type: string }[] }> }).__workbenchCharts['chart-sweep-parallel']()
      return option.parallelAxis.map((axis) => `${axis.name}:${axis.type}`)
    })
    expect(axes[0]).toBe('network.seed:category')
    expect(axes[1]).toBe('network.scales:category')
    expect(axes[2]).toMatch(/^‖û\(T\)‖\/‖û\(0\)‖:(value|log)$/)

    // Switching a chart off removes it.
    await page.getByTestId('sweep-chart-parallel-toggle').uncheck()
    await expect.poll(() => readChart(page, 'chart-sweep-parallel'), { timeout: 5000, message: 'the parallel chart gone' }).toBeNull()
    await page.getByTestId('sweep-chart-parallel-toggle').check()
    await waitForChart(page, 'chart-sweep-parallel', (summary) => summary.series[0]?.length === 4, 'the parallel chart back')

    await page.waitForTimeout(300)
    await h.screenshot('sweep-tab', undefined)
    await h.screenshot('sweep-charts', page.getByTestId('sweep-charts'))
  })

  it('exports the table as CSV (header of column keys, one line per shown row)', async () => {
    await page.getByTestId('sweep-export-csv').click()
    const picker = await visible(page.getByTestId('dialog-folder-picker'), 'the in-page folder picker (browser mode)')
    await page.getByTestId('folder-picker-new-folder').fill('tables')
    await page.getByTestId('folder-picker-choose').click()
    await gone(picker, 'the folder picker after choosing')
    await visible(page.getByTestId('sweep-export-status'), 'the export status')
    const status = (await page.getByTestId('sweep-export-status').textContent()) ?? ''
    const path = /Wrote (\S+\.csv)/.exec(status)?.[1]
    expect(path, `the written path in ${JSON.stringify(status)}`).toBeDefined()
    expect(path!.startsWith(projectDir)).toBe(true)
    expect(existsSync(path!)).toBe(true)
    const csv = parseCsv(readFileSync(path!, 'utf8'))
    expect(csv.header.slice(0, 5)).toEqual(['index', 'pointId', 'network.seed', 'network.scales', 'status'])
    expect(csv.header).toContain('finalErrorNorm')
    expect(csv.header.some((key) => key.startsWith('decayTime@xi='))).toBe(true)
    expect(csv.rows).toHaveLength(4)
    expect(csv.rows.map((row) => row[csv.header.indexOf('status')])).toEqual(['done', 'done', 'done', 'done'])
    expect(csv.rows.map((row) => row[csv.header.indexOf('network.scales')]).sort()).toEqual(['[1,2]', '[1,2]', '[1]', '[1]'])
  })

  it('opens a point\'s run from its row', async () => {
    const runId = (await rowCells(page, 0)).runId
    expect(runId).toMatch(/^tiny__/)
    await page.getByTestId('sweep-open-run-0').click()
    const dashboard = await visible(page.getByTestId('run-dashboard'), 'the run dashboard of the point')
    expect(await dashboard.getAttribute('data-run-dir')).toMatch(new RegExp(`${runId}$`))
    expect(h.pageErrors.filter((line) => !/favicon/.test(line))).toEqual([])
  })
})
