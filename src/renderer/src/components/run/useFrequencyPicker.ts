import { ref } from 'vue'
import { formatNumber } from '../../charts/options/chartCommon'
import { defaultPickedXi, nearestXiIndex } from '../../charts/runFigures'
import type { RunChartData } from '../../stores/useRunDataStore'

/** How many frequencies the decay curves follow at once. */
const MAX_PICKED = 6

/**
 * The frequencies a run view follows (decay curves) and the one it marks on every chart, picked
 * from a spectrum click, a heatmap click or typed in; snapped to the run's xi grid. Shared by the
 * run dashboard and the compare view. `grid` gives the run whose xi grid picks snap to.
 */
export function useFrequencyPicker(grid: () => RunChartData | null | undefined) {
  const pickedXi = ref<number[]>([])
  const markedXi = ref<number | undefined>(undefined)
  const frequencyInput = ref('')
  const frequencyError = ref('')

  /** Back to the default frequencies of a (new) run, marking the first. */
  function reset(run: RunChartData): void {
    pickedXi.value = defaultPickedXi(run)
    markedXi.value = pickedXi.value[0]
  }

  function pick(xi: number): void {
    const run = grid()
    if (!run) return
    const snapped = run.xi[nearestXiIndex(run, xi)]
    if (!pickedXi.value.includes(snapped)) pickedXi.value = [...pickedXi.value, snapped].slice(-MAX_PICKED)
    markedXi.value = snapped
  }

  function unpick(xi: number): void {
    pickedXi.value = pickedXi.value.filter((value) => value !== xi)
    if (markedXi.value === xi) markedXi.value = pickedXi.value[pickedXi.value.length - 1]
  }

  /** Picks the typed frequency, or says which range would be accepted. */
  function addFrequency(): void {
    const run = grid()
    const value = Number(frequencyInput.value)
    if (!run) return
    const max = run.xi[run.xi.length - 1]
    if (frequencyInput.value.trim() === '' || !Number.isFinite(value) || value < run.xi[0] || value > max) {
      frequencyError.value = `A frequency between ${formatNumber(run.xi[0], 4)} and ${formatNumber(max, 4)} cycles per unit length.`
      return
    }
    frequencyError.value = ''
    frequencyInput.value = ''
    pick(value)
  }

  return { pickedXi, markedXi, frequencyInput, frequencyError, reset, pick, unpick, addFrequency }
}
