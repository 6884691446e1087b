/**
 * The centre's tabs (UI.md, Main window): an experiment tab (form and live previews), a run tab
 * (the dashboard) and a compare tab (two runs side by side). Experiment tabs refer to an
 * experiment by its stable key (useProjectStore().experimentKeys), so renaming the experiment's id
 * in the form keeps its tab. A sweep tab (its definition, run controls, results table and summary
 * charts) refers to its sweep the same way (useProjectStore().sweepKeys).
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

export type Tab =
  | { id: string; kind: 'experiment'; experimentKey: string }
  | { id: string; kind: 'run'; runId: string; runDir: string; experimentId: string }
  | { id: string; kind: 'compare'; runIds: [string, string]; runDirs: [string, string] }
  | { id: string; kind: 'sweep'; sweepKey: string }

export const useTabsStore = defineStore('tabs', () => {
  const tabs = ref<Tab[]>([])
  const activeId = ref<string | null>(null)
  /** ids in the order they were last shown, most recent last: closing goes back through them */
  const history = ref<string[]>([])

  const active = computed<Tab | null>(() => tabs.value.find((tab) => tab.id === activeId.value) ?? null)

  function activate(id: string): void {
    if (!tabs.value.some((tab) => tab.id === id)) return
    activeId.value = id
    history.value = [...history.value.filter((entry) => entry !== id), id]
  }

  function openTab(tab: Tab): void {
    if (!tabs.value.some((existing) => existing.id === tab.id)) {
      // New tabs open to the right of the active one, as in an editor.
      const at = tabs.value.findIndex((existing) => existing.id === activeId.value)
      const next = [...tabs.value]
      next.splice(at < 0 ? next.length : at + 1, 0, tab)
      tabs.value = next
    }
    activate(tab.id)
  }

  function openExperiment(experimentKey: string): void {
    openTab({ id: `experiment:${experimentKey}`, kind: 'experiment', experimentKey })
  }

  function openSweep(sweepKey: string): void {
    openTab({ id: `sweep:${sweepKey}`, kind: 'sweep', sweepKey })
  }

  function openRun(run: { runId: string; runDir: string; experimentId: string }): void {
    openTab({ id: `run:${run.runId}`, kind: 'run', runId: run.runId, runDir: run.runDir, experimentId: run.experimentId })
  }

  function openCompare(a: { runId: string; runDir: string }, b: { runId: string; runDir: string }): void {
    openTab({ id: `compare:${a.runId}:${b.runId}`, kind: 'compare', runIds: [a.runId, b.runId], runDirs: [a.runDir, b.runDir] })
  }

  function close(id: string): void {
    const index = tabs.value.findIndex((tab) => tab.id === id)
    if (index < 0) return
    tabs.value = tabs.value.filter((tab) => tab.id !== id)
    history.value = history.value.filter((entry) => entry !== id)
    if (activeId.value === id) {
      const previous = history.value[history.value.length - 1]
      const neighbour = tabs.value[Math.min(index, tabs.value.length - 1)]
      activeId.value = previous ?? neighbour?.id ?? null
    }
  }

  /** Ctrl+W: closes the active tab; false when there is none. */
  function closeActive(): boolean {
    if (!activeId.value) return false
    close(activeId.value)
    return true
  }

  /** Closes every tab the predicate picks (e.g. the tabs of a deleted experiment). */
  function closeWhere(predicate: (tab: Tab) => boolean): void {
    for (const tab of tabs.value.filter(predicate)) close(tab.id)
  }

  function reset(): void {
    tabs.value = []
    activeId.value = null
    history.value = []
  }

  return { tabs, activeId, active, activate, openExperiment, openSweep, openRun, openCompare, close, closeActive, closeWhere, reset }
})
