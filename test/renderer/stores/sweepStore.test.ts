import { afterEach, describe, expect, it, vi } from 'vitest'
import { ServiceError } from '../../../src/shared/api/serviceContract'
import { INVALID_SWEEP_ERROR, SWEEP_BUSY_ERROR } from '../../../src/shared/api/workbenchApi'
import { defaultSweepWorkers, progressOfSummary, useSweepStore } from '../../../src/renderer/src/stores/sweepStore'
import { useToastStore } from '../../../src/renderer/src/stores/toastStore'
import { DIR, progress, row, setUpSweepStores, summary } from './fakeSweepService'
import { settle } from './fakeWorkbenchClient'

afterEach(() => vi.useRealTimers())

describe('defaultSweepWorkers', () => {
  it('keeps one core free for CPU engines and runs one point at a time on a GPU', () => {
    expect(defaultSweepWorkers(2, 'js-f64')).toBe(1)
    expect(defaultSweepWorkers(16, 'wasm')).toBe(15)
    expect(defaultSweepWorkers(1, 'js-f64')).toBe(1)
    expect(defaultSweepWorkers(16, 'tfjs-node-gpu')).toBe(1)
  })
})

describe('useSweepStore', () => {
  it('lists the sweeps of the project and derives progress from the counts of an idle sweep', async () => {
    const { sweep } = setUpSweepStores()
    sweep.list.mockResolvedValue([summary('s', { counts: { pending: 1, running: 0, done: 2, diverged: 0, failed: 1 } })])
    const sweeps = useSweepStore()
    await sweeps.setProject(DIR)
    expect(sweep.list).toHaveBeenCalledWith({ projectDir: DIR })
    expect(sweeps.summaryOf('s')?.total).toBe(4)
    expect(sweeps.activityOf('s')).toBe('idle')
    expect(sweeps.progressOf('s')).toMatchObject({ total: 4, finished: 3, done: 2, failed: 1, pending: 1 })
    expect(progressOfSummary(summary('t')).finished).toBe(0)
  })

  it('says why the list could not be read', async () => {
    const { sweep } = setUpSweepStores()
    sweep.list.mockRejectedValue(new Error('project.json is not readable'))
    const sweeps = useSweepStore()
    await sweeps.setProject(DIR)
    expect(sweeps.listError).toMatch(/could not be listed: project.json is not readable/)
  })

  it('starts a sweep with the chosen workers, then follows its progress to the end with a quiet toast and a re-read', async () => {
    const { sweep } = setUpSweepStores()
    sweep.list.mockResolvedValue([summary('s')])
    const sweeps = useSweepStore()
    const toasts = useToastStore()
    sweeps.listen()
    await sweeps.setProject(DIR)
    expect(await sweeps.start('s', 3)).toBe(true)
    expect(sweep.start).toHaveBeenCalledWith({ projectDir: DIR, sweepId: 's', workers: 3 })
    expect(sweeps.activityOf('s')).toBe('running')
    await settle()
    expect(sweep.table).toHaveBeenCalledWith({ projectDir: DIR, sweepId: 's' })

    sweep.emit('progress', { projectDir: DIR, sweepId: 's', activity: 'running', progress: progress({ finished: 2, done: 1, failed: 1, running: 2, pending: 0, elapsedSeconds: 4, etaSeconds: 4 }) })
    expect(sweeps.progressOf('s')).toMatchObject({ finished: 2, etaSeconds: 4 })
    expect(sweeps.summaryOf('s')?.counts).toEqual({ pending: 0, running: 2, done: 1, diverged: 0, failed: 1 })
    expect(toasts.toasts).toEqual([])

    vi.useFakeTimers()
    const lists = sweep.list.mock.calls.length
    sweep.emit('progress', { projectDir: DIR, sweepId: 's', activity: 'idle', progress: progress({ finished: 4, done: 3, failed: 1, pending: 0, elapsedSeconds: 8, etaSeconds: 0 }) })
    expect(sweeps.isActive('s')).toBe(false)
    expect(toasts.toasts).toEqual([expect.objectContaining({ kind: 'warning', message: 'Sweep s finished: 3 of 4 points done (0 diverged, 1 failed)' })])
    await vi.advanceTimersByTimeAsync(300)
    expect(sweep.list.mock.calls.length).toBe(lists + 1)
  })

  it('keeps the problems of an invalid sweep and the words of a busy one as the start error', async () => {
    const { sweep } = setUpSweepStores()
    const sweeps = useSweepStore()
    await sweeps.setProject(DIR)
    sweep.start.mockRejectedValueOnce(new ServiceError(INVALID_SWEEP_ERROR, 'the sweep "s" is invalid', { problems: [{ path: '$.sweeps[0].axes[0].path', message: 'not a field' }] }))
    expect(await sweeps.start('s')).toBe(false)
    expect(sweep.start).toHaveBeenCalledWith({ projectDir: DIR, sweepId: 's' })
    expect(sweeps.startErrors.s).toEqual({ message: 'the sweep "s" is invalid', code: INVALID_SWEEP_ERROR, problems: [{ path: '$.sweeps[0].axes[0].path', message: 'not a field' }] })
    sweep.start.mockRejectedValueOnce(new ServiceError(SWEEP_BUSY_ERROR, 'another process runs it'))
    expect(await sweeps.start('s')).toBe(false)
    expect(sweeps.startErrors.s.message).toMatch(/another process runs it \(it is running here or in another process/)
    expect(await sweeps.start('s')).toBe(true)
    expect(sweeps.startErrors.s).toBeUndefined()
  })

  it('replaces a table row from each point event (a new table object, the rest untouched)', async () => {
    const { sweep } = setUpSweepStores()
    const sweeps = useSweepStore()
    sweeps.listen()
    await sweeps.setProject(DIR)
    const before = await sweeps.loadTable('s')
    expect(before?.rows).toHaveLength(4)
    sweep.emit('point', { projectDir: DIR, sweepId: 's', row: row(2, { status: 'done', runId: 'r2', runDir: `${DIR}/runs/r2`, finalErrorNorm: 0.25 }) })
    const after = sweeps.tableOf('s')!
    expect(after).not.toBe(before)
    expect(after.rows[2]).toMatchObject({ status: 'done', finalErrorNorm: 0.25 })
    expect(after.rows[0]).toBe(before!.rows[0])
    // Events of another project, or of a sweep whose table is not open, change nothing.
    sweep.emit('point', { projectDir: '/elsewhere', sweepId: 's', row: row(0, { status: 'failed' }) })
    sweep.emit('point', { projectDir: DIR, sweepId: 'other', row: row(0, { status: 'failed' }) })
    expect(sweeps.tableOf('s')!.rows[0].status).toBe('pending')
    expect(sweeps.tableOf('other')).toBeUndefined()
  })

  it('keeps each running point\'s training progress until the point stops running', async () => {
    const { sweep } = setUpSweepStores()
    const sweeps = useSweepStore()
    sweeps.listen()
    await sweeps.setProject(DIR)
    await sweeps.loadTable('s')
    sweep.emit('point', { projectDir: DIR, sweepId: 's', row: row(1, { status: 'running', runId: 'r1', runDir: `${DIR}/runs/r1` }) })
    sweep.emit('pointProgress', { projectDir: DIR, sweepId: 's', index: 1, step: 250, totalSteps: 1000, etaSeconds: 3 })
    expect(sweeps.pointProgressOf('s', 1)).toBe(0.25)
    sweep.emit('pointProgress', { projectDir: '/elsewhere', sweepId: 's', index: 1, step: 900, totalSteps: 1000, etaSeconds: 1 })
    sweep.emit('pointProgress', { projectDir: DIR, sweepId: 's', index: 1, step: 5, totalSteps: 0, etaSeconds: 1 })
    expect(sweeps.pointProgressOf('s', 1)).toBe(0.25)
    sweep.emit('point', { projectDir: DIR, sweepId: 's', row: row(1, { status: 'done', runId: 'r1', runDir: `${DIR}/runs/r1` }) })
    expect(sweeps.pointProgressOf('s', 1)).toBeUndefined()
  })

  it('asks for the table with the chosen decay query and keeps asking with it', async () => {
    const { sweep } = setUpSweepStores()
    const sweeps = useSweepStore()
    await sweeps.setProject(DIR)
    const query = { frequencies: [0.25, 1.43], threshold: 0.1 }
    const answered = await sweeps.loadTable('s', query)
    expect(sweep.table).toHaveBeenLastCalledWith({ projectDir: DIR, sweepId: 's', decay: query })
    expect(answered?.decay).toEqual(query)
    await sweeps.loadTable('s')
    expect(sweep.table).toHaveBeenLastCalledWith({ projectDir: DIR, sweepId: 's', decay: query })
    sweep.table.mockRejectedValueOnce(new Error('run.json of point 3 is corrupt'))
    await sweeps.loadTable('s')
    expect(sweeps.tableErrors.s).toMatch(/could not be read: run.json of point 3 is corrupt/)
    expect(sweeps.tableOf('s')?.decay).toEqual(query)
  })

  it('pauses and cancels through the service, and says when that fails', async () => {
    const { sweep } = setUpSweepStores()
    const sweeps = useSweepStore()
    await sweeps.setProject(DIR)
    await sweeps.pause('s')
    await sweeps.cancel('s')
    expect(sweep.pause).toHaveBeenCalledWith({ projectDir: DIR, sweepId: 's' })
    expect(sweep.cancel).toHaveBeenCalledWith({ projectDir: DIR, sweepId: 's' })
    sweep.cancel.mockRejectedValueOnce(new Error('gone'))
    await sweeps.cancel('s')
    expect(useToastStore().toasts.at(-1)).toMatchObject({ kind: 'error', message: 'The sweep "s" could not be cancelled: gone' })
  })
})
