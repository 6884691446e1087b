import { afterEach, describe, expect, it, vi } from 'vitest'
import { ServiceError } from '../../../src/shared/api/serviceContract'
import { PREVIEW_DEBOUNCE_MS, usePreviewStore } from '../../../src/renderer/src/stores/previewStore'
import { fakePreview, setUpStores, smallExperiment } from './fakeWorkbenchClient'

afterEach(() => vi.useRealTimers())

function withWidth(width: number) {
  const experiment = smallExperiment('alpha')
  experiment.network.width = width
  return experiment
}

describe('usePreviewStore', () => {
  it('waits PREVIEW_DEBOUNCE_MS after the last edit and asks once, for the latest experiment', async () => {
    vi.useFakeTimers()
    const fake = setUpStores()
    const previews = usePreviewStore()
    previews.request('k', withWidth(100), '/work/p')
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS - 50)
    previews.request('k', withWidth(200), '/work/p')
    expect(previews.stateOf('k')?.loading).toBe(true)
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS - 1)
    expect(fake.analysis.preview).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(fake.analysis.preview).toHaveBeenCalledTimes(1)
    expect(fake.analysis.preview.mock.calls[0][0]).toMatchObject({ projectDir: '/work/p', experiment: { network: { width: 200 } } })
    expect(previews.stateOf('k')).toMatchObject({ loading: false, error: '' })
    expect(previews.currentResult('k')?.lambdaMax).toBe(10)
  })

  it('drops the answer to an older request that arrives after a newer one', async () => {
    vi.useFakeTimers()
    const fake = setUpStores()
    let answerFirst!: (value: ReturnType<typeof fakePreview>) => void
    fake.analysis.preview
      .mockImplementationOnce(() => new Promise((resolve) => (answerFirst = resolve)))
      .mockImplementationOnce(async () => ({ ...fakePreview(), lambdaMax: 2 }))
    const previews = usePreviewStore()
    previews.request('k', withWidth(100))
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS)
    previews.request('k', withWidth(200))
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS)
    expect(previews.stateOf('k')?.result?.lambdaMax).toBe(2)
    answerFirst({ ...fakePreview(), lambdaMax: 1 })
    await vi.advanceTimersByTimeAsync(0)
    expect(previews.stateOf('k')?.result?.lambdaMax).toBe(2)
  })

  it("shows the service's refusal with its problems", async () => {
    vi.useFakeTimers()
    const fake = setUpStores()
    fake.analysis.preview.mockRejectedValue(new ServiceError('invalid-experiment', 'the experiment has 1 problem', { problems: [{ path: 'target.csv', message: 'file not found' }] }))
    const previews = usePreviewStore()
    previews.request('k', withWidth(100))
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS)
    expect(previews.stateOf('k')).toMatchObject({ loading: false, error: 'the experiment has 1 problem', problems: [{ path: 'target.csv', message: 'file not found' }] })
  })

  it('does not ask again for what it shows, and ignores edits to the name', async () => {
    vi.useFakeTimers()
    const fake = setUpStores()
    const previews = usePreviewStore()
    previews.request('k', withWidth(100))
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS)
    const renamed = { ...withWidth(100), name: 'renamed' }
    previews.request('k', renamed)
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS * 2)
    expect(fake.analysis.preview).toHaveBeenCalledTimes(1)
  })

  it('keeps the last result while a new one is computed, but not as current', async () => {
    vi.useFakeTimers()
    setUpStores()
    const previews = usePreviewStore()
    previews.request('k', withWidth(100))
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS)
    previews.request('k', withWidth(300))
    expect(previews.stateOf('k')?.result).not.toBeNull()
    expect(previews.currentResult('k')).toBeNull()
    previews.abandon('k')
    expect(previews.stateOf('k')?.loading).toBe(false)
  })
})
