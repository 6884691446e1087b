// The results table renders only the rows in view (issue 4: "the UI stays smooth with 1,000
// rows"). Rendered on the server (vue/server-renderer: no DOM here), where the viewport has its
// initial height (420 px: 368 px of rows under the two header rows, 24 px a row), so the rows
// rendered are the first ceil(368 / 24) + 1 = 17 plus 8 of overscan: 25 of 1,000.
import { getActivePinia } from 'pinia'
import { createSSRApp, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { describe, expect, it } from 'vitest'
import SweepTableView from '../../../../src/renderer/src/components/sweep/SweepTableView.vue'
import { SWEEP_ROW_HEIGHT } from '../../../../src/renderer/src/components/sweep/sweepTableModel'
import type { SweepTableRow } from '../../../../src/shared/api/workbenchApi'
import { DIR, row, setUpSweepStores, table } from '../../stores/fakeSweepService'

async function render(rows: SweepTableRow[]): Promise<string> {
  setUpSweepStores()
  const app = createSSRApp({ render: () => h(SweepTableView, { table: table('big', rows), sweepId: 'big', projectDir: DIR }) })
  app.use(getActivePinia()!)
  return renderToString(app)
}

function renderedRowIndices(html: string): number[] {
  return [...html.matchAll(/data-testid="sweep-row-(\d+)"/g)].map((match) => Number(match[1]))
}

describe('SweepTableView', () => {
  it('renders 25 of 1,000 rows, in a body as tall as all of them', async () => {
    const rows = Array.from({ length: 1000 }, (_, index) => row(index, { status: index % 7 === 0 ? 'failed' : 'done', finalErrorNorm: 1 / (index + 1), wallSeconds: 0.5 }))
    const html = await render(rows)
    expect(renderedRowIndices(html)).toEqual(Array.from({ length: 25 }, (_, index) => index))
    expect(html).toContain(`height:${1000 * SWEEP_ROW_HEIGHT}px`)
    expect(html).toMatch(/data-testid="sweep-row-count"[^>]*data-shown="1000"[^>]*data-total="1000"/)
    // every column of sweepTableColumns has a header and a filter
    expect(html.match(/data-testid="sweep-sort-/g)).toHaveLength(html.match(/data-testid="sweep-filter-(?!global)/g)!.length)
    // status is shown and coloured by class
    expect(html).toMatch(/class="row failed[^"]*"[^>]*data-testid="sweep-row-0"[^>]*data-status="failed"/)
  })

  it('shows how far a running point has trained', async () => {
    const { sweep } = setUpSweepStores()
    const { useSweepStore } = await import('../../../../src/renderer/src/stores/sweepStore')
    const sweeps = useSweepStore()
    sweeps.listen()
    await sweeps.setProject(DIR)
    sweep.emit('pointProgress', { projectDir: DIR, sweepId: 'big', index: 1, step: 250, totalSteps: 1000, etaSeconds: 3 })
    const app = createSSRApp({ render: () => h(SweepTableView, { table: table('big', [row(0, { status: 'done' }), row(1, { status: 'running' })]), sweepId: 'big', projectDir: DIR }) })
    app.use(getActivePinia()!)
    const html = await renderToString(app)
    expect(html).toMatch(/data-testid="sweep-point-progress-1"[^>]*>25%/)
    expect(html).not.toContain('sweep-point-progress-0')
  })

  it('renders every row of a small table', async () => {
    const html = await render([0, 1, 2, 3].map((index) => row(index, { status: 'done', runId: `r${index}`, runDir: `${DIR}/runs/r${index}` })))
    expect(renderedRowIndices(html)).toEqual([0, 1, 2, 3])
    expect(html).toContain('data-testid="sweep-open-run-2"')
  })
})
