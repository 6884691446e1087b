// End to end: a finished 1,000-point sweep in the workbench (issue 4, Results: "the UI stays smooth
// with 1,000 rows"). Point 0 is run for real; the other 999 points are copies of its run.json with
// their own ids and parameters (test/helpers/finishedSweep.ts), which is all the table reads. The
// test opens the sweep's tab, sorts, filters and scrolls the table to its end, and prints the
// page's long tasks (main thread busy > 50 ms) of each action.
//
// Limits: opening builds the table from 1,000 rows and draws both summary charts of 1,000 points
// (one parallel-coordinates line each): one frame of work, allowed up to OPEN_LIMIT_MS. Sorting,
// filtering and scrolling touch only the visible rows and must stay under the 100 ms a user
// notices as lag (the limit the run dashboard's streaming test uses).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFinishedSweep } from '../helpers/finishedSweep'
import { tinyExperiment } from '../helpers/tinyProject'
import { browserSkipReason, longTasksSince, pageNow, startBrowserHarness, type BrowserHarness } from './browserHarness'

const skipReason = browserSkipReason()
if (skipReason) console.warn(`[e2e/sweep 1000] SKIPPED: ${skipReason}`)

const POINTS = 1000
const OPEN_LIMIT_MS = 400
const INTERACTION_LIMIT_MS = 100

/** Runs `action`, waits until `done` holds, and returns the worst long task in between (0: none). */
async function worstLongTask(page: Page, what: string, action: () => Promise<void>, done: () => Promise<boolean>): Promise<number> {
  const since = await pageNow(page)
  await action()
  await expect.poll(done, { timeout: 20_000, interval: 50, message: what }).toBe(true)
  // one more frame, so that the work the change scheduled is measured too
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
  const tasks = await longTasksSince(page, since)
  const worst = tasks.reduce((max, task) => Math.max(max, task.duration), 0)
  console.log(`[e2e/sweep 1000] ${what}: ${tasks.length} long task(s), worst ${worst.toFixed(0)} ms`)
  return worst
}

describe.skipIf(skipReason !== null)(`a finished 1,000-point sweep in the UI${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let h: BrowserHarness
  let page: Page

  beforeAll(async () => {
    h = await startBrowserHarness({ concurrency: 1 })
    page = h.page
    const projectDir = join(h.workspaceRoot, 'big-sweep.mscale')
    mkdirSync(projectDir)
    writeFileSync(join(projectDir, 'project.json'), JSON.stringify({
      format: 'mscale-workbench/project', version: 1, name: 'big sweep', experiments: [tinyExperiment('tiny')],
      sweeps: [{ id: 'big', base: 'tiny', mode: 'grid', axes: [{ path: 'network.seed', values: { from: 0, to: POINTS - 1 } }] }],
    }, null, 2))
    await writeFinishedSweep(projectDir, 'big')
    writeFileSync(join(h.settingsDir, 'settings.json'), JSON.stringify({ lastProject: projectDir, recent: [projectDir] }))
    await h.open()
    await page.getByTestId('explorer-sweep-big').waitFor({ state: 'visible', timeout: 20_000 })
  }, 120_000)

  afterAll(async () => {
    if (h?.pageErrors.length) console.warn(`[e2e/sweep 1000] page errors:\n  ${h.pageErrors.join('\n  ')}`)
    await h?.close()
  })

  it('opens the sweep with all 1,000 rows and its charts in one short burst of work', async () => {
    const worst = await worstLongTask(page, 'open the sweep tab', () => page.getByTestId('explorer-sweep-big').click(), async () => {
      const total = await page.getByTestId('sweep-row-count').getAttribute('data-total').catch(() => null)
      const charts = await page.evaluate(() => Object.keys((window as unknown as { __workbenchCharts?: Record<string, unknown> }).__workbenchCharts ?? {}))
      return total === String(POINTS) && charts.includes('chart-sweep-parallel') && charts.includes('chart-sweep-metric')
    })
    expect(await page.locator('[data-testid^="sweep-row-"][data-status="done"]').count()).toBeLessThan(60) // only the rows in view
    expect(worst, `worst long task while opening (${worst.toFixed(0)} ms)`).toBeLessThanOrEqual(OPEN_LIMIT_MS)
  })

  it('sorts, filters and scrolls to the last row without a noticeable stall', async () => {
    const worstSort = await worstLongTask(page, 'sort by seed, descending', async () => {
      await page.getByTestId('sweep-sort-network.seed').click()
      await page.getByTestId('sweep-sort-network.seed').click()
    }, async () => (await page.getByTestId('sweep-row-999').getAttribute('data-position').catch(() => null)) === '0')

    const worstFilter = await worstLongTask(page, 'filter seeds 100..199', () => page.getByTestId('sweep-filter-network.seed').fill('100..199'),
      async () => (await page.getByTestId('sweep-row-count').getAttribute('data-shown').catch(() => null)) === '100')
    await page.getByTestId('sweep-filter-network.seed').fill('')
    await expect.poll(() => page.getByTestId('sweep-row-count').getAttribute('data-shown'), { timeout: 10_000 }).toBe(String(POINTS))

    const worstScroll = await worstLongTask(page, 'scroll to the end', () => page.getByTestId('sweep-table-scroller').evaluate((scroller) => {
      scroller.scrollTop = scroller.scrollHeight
    }), async () => (await page.getByTestId('sweep-row-0').count()) === 1) // descending: seed 0 is last
    expect(worstSort, `worst long task of the sort (${worstSort.toFixed(0)} ms)`).toBeLessThanOrEqual(INTERACTION_LIMIT_MS)
    expect(worstFilter, `worst long task of the filter (${worstFilter.toFixed(0)} ms)`).toBeLessThanOrEqual(INTERACTION_LIMIT_MS)
    expect(worstScroll, `worst long task of the scroll (${worstScroll.toFixed(0)} ms)`).toBeLessThanOrEqual(INTERACTION_LIMIT_MS)
    await h.screenshot('sweep-1000', undefined)
  })
})
