/**
 * Live previews of the experiment editor (analysis.preview): the target and its spectrum, the
 * coefficients R and D, lambda_max and the learning rates, computed by the service in a worker.
 * Requests are debounced (PREVIEW_DEBOUNCE_MS after the last edit) and the latest one wins: an
 * answer to an older request is dropped. The arrays stay out of deep reactivity (markRaw).
 */
import { defineStore } from 'pinia'
import { markRaw, shallowRef, triggerRef } from 'vue'
import { ServiceError } from '../../../shared/api/serviceContract'
import type { ExperimentPreview, ProjectProblem } from '../../../shared/api/workbenchApi'
import type { Experiment } from '../../../shared/project/experimentTypes'
import { useConnectionStore } from './connectionStore'
import { messageOf } from './workspaceStore'

export const PREVIEW_DEBOUNCE_MS = 300

export interface PreviewState {
  /** the request the shown result (or error) answers, as JSON; '' before the first */
  shownFor: string
  /** the latest request, as JSON */
  wanted: string
  loading: boolean
  /** the last answer; kept while a newer request is under way so the charts do not flash */
  result: ExperimentPreview | null
  /** why the service refused the latest request, in its words */
  error: string
  problems: ProjectProblem[]
}

/** Fields that change nothing the preview shows. */
const IGNORED_FIELDS = new Set(['id', 'name', 'description'])

/** The part of an experiment the preview depends on, as canonical JSON. */
export function previewKey(experiment: Experiment, projectDir?: string | null): string {
  const relevant = Object.fromEntries(Object.entries(experiment).filter(([key]) => !IGNORED_FIELDS.has(key)))
  return JSON.stringify({ experiment: relevant, projectDir: projectDir ?? null })
}

export const usePreviewStore = defineStore('previews', () => {
  const connection = useConnectionStore()
  /** experiment key (useProjectStore().experimentKeys) -> its preview */
  const states = shallowRef(new Map<string, PreviewState>())
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  let sequence = 0
  const latestRequest = new Map<string, number>()

  function stateOf(key: string): PreviewState | undefined {
    return states.value.get(key)
  }

  /** The preview of the experiment as it is now (null while it is being recomputed or stale). */
  function currentResult(key: string): ExperimentPreview | null {
    const state = states.value.get(key)
    return state && !state.loading && state.wanted !== '' && state.shownFor === state.wanted ? state.result : null
  }

  function update(key: string, patch: Partial<PreviewState>): void {
    const current = states.value.get(key) ?? { shownFor: '', wanted: '', loading: false, result: null, error: '', problems: [] }
    states.value.set(key, { ...current, ...patch })
    triggerRef(states)
  }

  /**
   * Asks for the preview of a valid experiment; does nothing when the same request is already
   * shown or under way.
   */
  function request(key: string, experiment: Experiment, projectDir?: string | null): void {
    const wanted = previewKey(experiment, projectDir)
    const current = states.value.get(key)
    if (current && current.wanted === wanted && (current.loading || current.shownFor === wanted || timers.has(key))) return
    if (current && current.shownFor === wanted && !current.loading) {
      // Back to what is shown (an edit undone): cancel the newer request instead of repeating this one.
      abandon(key)
      update(key, { wanted })
      return
    }
    update(key, { wanted, loading: true })
    const pending = timers.get(key)
    if (pending !== undefined) clearTimeout(pending)
    const payload = JSON.parse(JSON.stringify(experiment)) as Experiment
    timers.set(key, setTimeout(() => {
      timers.delete(key)
      void send(key, wanted, payload, projectDir ?? undefined)
    }, PREVIEW_DEBOUNCE_MS))
  }

  async function send(key: string, wanted: string, experiment: Experiment, projectDir?: string): Promise<void> {
    const id = ++sequence
    latestRequest.set(key, id)
    try {
      const args = projectDir ? { experiment, projectDir } : { experiment }
      const result = await connection.requireClient().analysis.preview(args)
      if (latestRequest.get(key) !== id) return
      update(key, { shownFor: wanted, loading: false, result: markRaw(result), error: '', problems: [] })
    } catch (caught) {
      if (latestRequest.get(key) !== id) return
      const details = ServiceError.isServiceError(caught) ? (caught.details as { problems?: ProjectProblem[] } | undefined) : undefined
      update(key, { shownFor: wanted, loading: false, error: messageOf(caught), problems: details?.problems ?? [] })
    }
  }

  /** Stops waiting for a preview (the experiment became invalid or went away). */
  function abandon(key: string): void {
    const pending = timers.get(key)
    if (pending !== undefined) clearTimeout(pending)
    timers.delete(key)
    latestRequest.delete(key)
    const current = states.value.get(key)
    if (current?.loading) update(key, { loading: false, wanted: '' })
  }

  function forget(key: string): void {
    abandon(key)
    if (states.value.delete(key)) triggerRef(states)
  }

  return { states, stateOf, currentResult, request, abandon, forget }
})
