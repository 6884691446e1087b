// The status bar names an active sweep with its counts and ETA (a sweep's runs are not in the
// run list's progress), and forgets it once the sweep is idle. Rendered on the server (no DOM here).
import { getActivePinia } from 'pinia'
import { createSSRApp, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { describe, expect, it } from 'vitest'
import StatusBar from '../../../../src/renderer/src/components/shell/StatusBar.vue'
import { useSweepStore } from '../../../../src/renderer/src/stores/sweepStore'
import { DIR, progress, setUpSweepStores, summary } from '../../stores/fakeSweepService'

async function render(): Promise<string> {
  const app = createSSRApp({ render: () => h(StatusBar) })
  app.use(getActivePinia()!)
  return renderToString(app)
}

describe('StatusBar', () => {
  it('shows an active sweep with finished/total and its ETA, and nothing once it is idle', async () => {
    const { sweep } = setUpSweepStores()
    sweep.list.mockResolvedValue([summary('scales-width')])
    const sweeps = useSweepStore()
    sweeps.listen()
    await sweeps.setProject(DIR)
    expect(await render()).toContain('No active runs')

    sweep.emit('progress', { projectDir: DIR, sweepId: 'scales-width', activity: 'running', progress: progress({ finished: 1, done: 1, running: 2, pending: 1, elapsedSeconds: 10, etaSeconds: 30 }) })
    const html = await render()
    expect(html).toContain('data-testid="status-sweep-scales-width"')
    expect(html).toMatch(/sweep scales-width/)
    expect(html).toMatch(/1\/4/)
    expect(html).toMatch(/ETA 30 s/)
    expect(html).not.toContain('No active runs')

    sweep.emit('progress', { projectDir: DIR, sweepId: 'scales-width', activity: 'pausing', progress: progress({ finished: 2, done: 2, running: 1, pending: 1 }) })
    expect(await render()).toMatch(/2\/4<\/span><span[^>]*>pausing/)

    sweep.emit('progress', { projectDir: DIR, sweepId: 'scales-width', activity: 'idle', progress: progress({ finished: 2, done: 2, pending: 2 }) })
    expect(await render()).not.toContain('status-sweep-scales-width')
  })
})
