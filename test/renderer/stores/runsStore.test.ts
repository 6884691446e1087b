import { afterEach, describe, expect, it, vi } from 'vitest'
import { ServiceError } from '../../../src/shared/api/serviceContract'
import type { RunSummary } from '../../../src/shared/api/workbenchApi'
import { LONG_RUN_SECONDS, runCreatedAt, useRunsStore } from '../../../src/renderer/src/stores/runsStore'
import { useToastStore } from '../../../src/renderer/src/stores/toastStore'
import { setUpStores } from './fakeWorkbenchClient'

afterEach(() => vi.useRealTimers())

const DIR = '/work/study.mscale'

function summary(runId: string, status: RunSummary['status'], extra: Partial<RunSummary> = {}): RunSummary {
  return { runId, experimentId: runId.split('-')[0], status, runDir: `${DIR}/runs/${runId}`, ...extra }
}

describe('useRunsStore', () => {
  it('lists the runs of the project newest first (by the time in the run id)', async () => {
    const fake = setUpStores()
    fake.run.list.mockResolvedValue([
      summary('a-20260101-100000-aaaa', 'done'),
      summary('b-20260301-090000-bbbb', 'failed'),
      summary('a-20260201-120000-cccc', 'cancelled'),
    ])
    const runs = useRunsStore()
    await runs.setProject(DIR)
    expect(runs.runs.map((run) => run.runId)).toEqual(['b-20260301-090000-bbbb', 'a-20260201-120000-cccc', 'a-20260101-100000-aaaa'])
    expect(runs.runsOf('a').map((run) => run.status)).toEqual(['cancelled', 'done'])
  })

  it('follows a run from queued through running (progress) to done, with a quiet toast and a refreshed list', async () => {
    const fake = setUpStores()
    const runs = useRunsStore()
    const toasts = useToastStore()
    runs.listen()
    await runs.setProject(DIR)
    const started = await runs.start('alpha')
    expect(fake.run.start).toHaveBeenCalledWith({ projectDir: DIR, experimentId: 'alpha' })
    expect(runs.find(started!.runId)?.status).toBe('queued')
    expect(runs.queuedRuns).toHaveLength(1)

    fake.emitRun('progress', { runId: started!.runId, experimentId: 'alpha', phase: 'training', step: 10, totalSteps: 40, time: 0.1, loss: 0.5, etaSeconds: 3 })
    expect(runs.find(started!.runId)?.status).toBe('running')
    expect(runs.progress.get(started!.runId)?.step).toBe(10)
    expect(runs.activeRuns).toHaveLength(1)

    vi.useFakeTimers()
    fake.run.list.mockResolvedValue([summary(started!.runId, 'done', { wallSeconds: 2.5, finalErrorNorm: 0.1 })])
    fake.emitRun('finished', { runId: started!.runId, experimentId: 'alpha', status: 'done', runDir: started!.runDir })
    expect(runs.find(started!.runId)?.status).toBe('done')
    expect(runs.progress.has(started!.runId)).toBe(false)
    expect(toasts.toasts).toEqual([expect.objectContaining({ kind: 'success', message: expect.stringMatching(/^Run of alpha done/) })])
    const listsBefore = fake.run.list.mock.calls.length
    await vi.advanceTimersByTimeAsync(300)
    expect(fake.run.list.mock.calls.length).toBe(listsBefore + 1)
    expect(runs.find(started!.runId)?.wallSeconds).toBe(2.5)
  })

  it('keeps a refused start next to its experiment', async () => {
    const fake = setUpStores()
    fake.run.start.mockRejectedValue(new ServiceError('unknown-experiment', 'no experiment "ghost" in the project'))
    const runs = useRunsStore()
    await runs.setProject(DIR)
    expect(await runs.start('ghost')).toBeNull()
    expect(runs.startErrors.ghost).toBe('no experiment "ghost" in the project')
    fake.run.start.mockResolvedValue({ runId: 'ghost-20260101-000000-0000', runDir: `${DIR}/runs/x` })
    await runs.start('ghost')
    expect(runs.startErrors.ghost).toBeUndefined()
  })

  it('calls a run long once it has been active for LONG_RUN_SECONDS', async () => {
    setUpStores()
    const runs = useRunsStore()
    await runs.setProject(DIR)
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'))
    const started = await runs.start('alpha')
    vi.setSystemTime(new Date(Date.parse('2026-01-01T00:00:00Z') + (LONG_RUN_SECONDS - 1) * 1000))
    expect(runs.isLong(started!.runId)).toBe(false)
    vi.setSystemTime(new Date(Date.parse('2026-01-01T00:00:00Z') + LONG_RUN_SECONDS * 1000))
    expect(runs.isLong(started!.runId)).toBe(true)
  })

  it('says quietly that a run had already ended when its cancel arrives late', async () => {
    const fake = setUpStores()
    fake.run.cancel.mockRejectedValue(new ServiceError('unknown-run', 'no active run "x"'))
    const runs = useRunsStore()
    await runs.cancel('x')
    expect(useToastStore().toasts).toEqual([expect.objectContaining({ kind: 'info', message: 'The run had already ended.' })])
  })

  it('picks at most two runs for Compare, a third pick dropping the oldest', () => {
    setUpStores()
    const runs = useRunsStore()
    runs.toggleSelected('a')
    runs.toggleSelected('b')
    runs.toggleSelected('c')
    expect(runs.selection).toEqual(['b', 'c'])
    runs.toggleSelected('b')
    expect(runs.selection).toEqual(['c'])
  })

  it('subscribes to the run events once, and unsubscribes', () => {
    const fake = setUpStores()
    const runs = useRunsStore()
    runs.listen()
    runs.listen()
    expect(fake.listenerCount('run', 'progress')).toBe(1)
    runs.stopListening()
    expect(fake.listenerCount('run', 'finished')).toBe(0)
  })

  it('reads the creation time of a run from its id', () => {
    expect(runCreatedAt('scales-1248-20261204-153000-a1b2')?.toISOString()).toBe('2026-12-04T15:30:00.000Z')
    expect(runCreatedAt('not-a-run')).toBeUndefined()
  })
})
