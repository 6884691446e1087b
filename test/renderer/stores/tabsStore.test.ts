import { describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useTabsStore } from '../../../src/renderer/src/stores/tabsStore'

describe('useTabsStore', () => {
  it('opens each tab once, next to the active one, and goes back to the last shown on close', () => {
    setActivePinia(createPinia())
    const tabs = useTabsStore()
    tabs.openExperiment('e1')
    tabs.openExperiment('e2')
    tabs.activate('experiment:e1')
    tabs.openRun({ runId: 'r1', runDir: '/p/runs/r1', experimentId: 'alpha' })
    expect(tabs.tabs.map((tab) => tab.id)).toEqual(['experiment:e1', 'run:r1', 'experiment:e2'])
    tabs.openExperiment('e2')
    tabs.openExperiment('e1')
    expect(tabs.tabs).toHaveLength(3)
    tabs.activate('run:r1')
    tabs.closeActive()
    expect(tabs.activeId).toBe('experiment:e1')
    tabs.openCompare({ runId: 'a', runDir: '/a' }, { runId: 'b', runDir: '/b' })
    expect(tabs.active).toMatchObject({ kind: 'compare', runDirs: ['/a', '/b'] })
    tabs.closeWhere((tab) => tab.kind !== 'compare')
    expect(tabs.tabs.map((tab) => tab.kind)).toEqual(['compare'])
    tabs.closeActive()
    expect(tabs.active).toBeNull()
    expect(tabs.closeActive()).toBe(false)
  })
})
