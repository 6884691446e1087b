// The sweep service through its contract (createServices as the app builds it, served over the
// in-process transport), with real run workers (out/node/runWorker.mjs, built by `npm test` before
// Vitest runs) on tiny sweeps.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createServiceClient } from '../../../src/shared/api/apiProxy'
import {
  DECAY_THRESHOLDS, INVALID_DECAY_QUERY_ERROR, INVALID_SWEEP_ERROR, OUTSIDE_WORKSPACE_ERROR, SWEEP_BUSY_ERROR, SWEEP_SERVICE, UNKNOWN_SWEEP_ERROR,
  serveWorkbenchServices, type SweepEvents,
} from '../../../src/shared/api/workbenchApi'
import { decayTimeAt } from '../../../src/shared/study/decayTimes'
import type { RunRecord } from '../../../src/shared/study/runRecord'
import { createInProcessTransport } from '../../../src/main/api/inProcessTransport'
import { createServices } from '../../../src/main/services/createServices'
import { readNpy } from '../../../src/main/project/npyFile'
import { sweepDir } from '../../../src/main/sweeps/sweepState'
import { tinyExperiment, writeTinyProject } from '../../helpers/tinyProject'

const services = createServices({ settingsDir: mkdtempSync(join(tmpdir(), 'mscale-settings-')) })
const sweeps = createServiceClient(SWEEP_SERVICE, createInProcessTransport(serveWorkbenchServices(services)))
afterAll(() => services.dispose?.())

type Progress = SweepEvents['progress']
type Point = SweepEvents['point']

/** Collects the events of one sweep; `idle` resolves at the progress event that says it stopped. */
function watch(sweepId: string) {
  const progress: Progress[] = []
  const points: Point[] = []
  const pointProgress: SweepEvents['pointProgress'][] = []
  const waiters: ((p: Progress) => void)[] = []
  const offs = [
    sweeps.on('progress', (p) => {
      if (p.sweepId !== sweepId) return
      progress.push(p)
      if (p.activity === 'idle') waiters.splice(0).forEach((w) => w(p))
    }),
    sweeps.on('point', (p) => p.sweepId === sweepId && points.push(p)),
    sweeps.on('pointProgress', (p) => p.sweepId === sweepId && pointProgress.push(p)),
  ]
  return {
    progress, points, pointProgress,
    idle: () => new Promise<Progress>((resolve) => waiters.push(resolve)),
    /** resolves at the first point event that matches */
    point: (match: (p: Point) => boolean) => new Promise<Point>((resolve) => {
      const off = sweeps.on('point', (p) => {
        if (p.sweepId === sweepId && match(p)) {
          off()
          resolve(p)
        }
      })
    }),
    stop: () => offs.forEach((off) => off()),
  }
}

const runFolders = (dir: string) => readdirSync(join(dir, 'runs')).sort()
const record = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunRecord
/** T = 20 with 20 snapshots: a few hundred steps, well under a second per point; the error falls far enough for finite decay times */
const quickBase = () => tinyExperiment('base', { training: { time: 20, snapshots: [0, 5, 20] }, analysis: { timeGrid: 20 } })
/** m = 200, T = 100: a few thousand steps (0.3 to 1 s per point here), so that pause and cancel, sent at a point's start, land during its run */
const slowBase = () => tinyExperiment('base', { network: { width: 200 }, training: { time: 100 } })
const seedSweep = (id: string, seeds: number) => ({ id, base: 'base', mode: 'grid', axes: [{ path: 'network.seed', values: { from: 0, to: seeds - 1 } }] })

describe('sweep service', () => {
  it('runs a sweep in the background with progress and point events, and tables it from run.json with decay times', async () => {
    const dir = writeTinyProject([quickBase()], { sweeps: [seedSweep('seeds', 3)] })
    const events = watch('seeds')
    const [listed] = await sweeps.list({ projectDir: dir })
    expect(listed).toMatchObject({ sweepId: 'seeds', base: 'base', mode: 'grid', total: 3, counts: { pending: 3, done: 0 }, activity: 'idle' })
    // a table query before the start: the point events use it
    const query = { frequencies: [0.2, 0.4], threshold: 0.1 } // where the tiny network learns within T = 20
    await sweeps.table({ projectDir: dir, sweepId: 'seeds', decay: query })
    const idle = events.idle()
    await sweeps.start({ projectDir: dir, sweepId: 'seeds', workers: 2 })
    expect((await sweeps.list({ projectDir: dir }))[0].activity).not.toBe('idle')
    const last = await idle
    events.stop()
    expect(last.progress).toMatchObject({ total: 3, finished: 3, done: 3, running: 0, pending: 0 })
    // every start and finish of a point, the finished rows with the last query's decay times
    const finished = events.points.filter((p) => p.row.status === 'done')
    expect(events.points.filter((p) => p.row.status === 'running').map((p) => p.row.index).sort()).toEqual([0, 1, 2])
    expect(finished.map((p) => p.row.index).sort()).toEqual([0, 1, 2])
    for (const { row } of finished) {
      expect(row.decayTimes).toHaveLength(2)
      expect(row.decayTimes, JSON.stringify(row.decayTimes)).toSatisfy((times: (number | null)[]) => times.every((t) => typeof t === 'number' && t > 0 && t <= 20))
      expect(row.params).toEqual({ 'network.seed': row.index })
    }
    // each point's training progress, ending at its last step (the training loop reports it on finishing)
    for (const index of [0, 1, 2]) {
      const steps = events.pointProgress.filter((p) => p.index === index)
      expect(steps.length, `progress events of point ${index}`).toBeGreaterThan(0)
      expect(steps.every((p) => p.totalSteps > 0 && p.step >= 0 && p.step <= p.totalSteps)).toBe(true)
      expect(steps[steps.length - 1].step).toBe(steps[steps.length - 1].totalSteps)
    }
    // progress: counts never go back, the activity is only running then idle, and throttled (a few per second)
    const counts = events.progress.map((p) => p.progress.finished)
    expect(counts.every((n, k) => k === 0 || n >= counts[k - 1])).toBe(true)
    expect(new Set(events.progress.map((p) => p.activity))).toEqual(new Set(['running', 'idle']))
    expect(events.progress.length).toBeLessThanOrEqual(2 + 4 * Math.ceil(last.progress.elapsedSeconds))

    const table = await sweeps.table({ projectDir: dir, sweepId: 'seeds' })
    expect(table.decay).toEqual({ frequencies: [0.5, 1, 2], threshold: 0.01 }) // band 2: band/4, band/2, band
    expect(table.snapshotTimes).toEqual([5, 20])
    expect(table.models).toEqual(['diffusion', 'ntk'])
    expect(table.axes).toEqual([{ path: 'network.seed', values: [0, 1, 2] }])
    for (const row of table.rows) {
      expect(row).toMatchObject({ status: 'done', runDir: expect.any(String), wallSeconds: expect.any(Number) })
      const r = record(row.runDir!)
      expect(row.finalErrorNorm).toBeGreaterThan(0)
      expect(row.finalErrorNorm).toBeLessThan(1)
      // rel at t = 0, 5 and 20 is that of the run's snapshot at those times (within half a step)
      const eta = r.learningRate!.value
      for (const model of ['diffusion', 'ntk'] as const) {
        ;[5, 20].forEach((t, s) => {
          const snapshot = r.metrics!.snapshots.find((m) => Math.abs(m.t - t) <= eta / 2)!
          expect(row.rel![model]![s]).toBe(snapshot.rel[model])
        })
      }
      expect(row.finalRel).toEqual(r.metrics!.snapshots.at(-1)!.rel)
      expect(r.metrics!.decay!.thresholds).toEqual([...DECAY_THRESHOLDS])
      expect(row.decayTimes).toHaveLength(3)
    }
    // independent check of a stored decay time against the arrays: the threshold is crossed between
    // the two snapshots that bracket it (the run's nearest xi to 0.4, threshold 0.1)
    const run = table.rows[0].runDir!
    const xi = (await readNpy(join(run, 'xi.npy'))).data
    const times = (await readNpy(join(run, 'snapshot_times.npy'))).data
    const P = (await readNpy(join(run, 'train_P.npy'))).data
    const Q = (await readNpy(join(run, 'train_Q.npy'))).data
    let f = 0
    for (let k = 1; k < xi.length; k++) if (Math.abs(xi[k] - 0.4) < Math.abs(xi[f] - 0.4)) f = k
    const ratio = (s: number) => Math.hypot(P[s * xi.length + f], Q[s * xi.length + f]) / Math.hypot(P[f], Q[f])
    const t = decayTimeAt(record(run).metrics!.decay!, 0.4, 0.1) as number
    const s = Array.from(times).findIndex((time) => time >= t - 1e-5 * t) // 6 significant digits
    expect(s).toBeGreaterThan(0)
    expect(ratio(s - 1)).toBeGreaterThan(0.1)
    expect(ratio(s)).toBeLessThanOrEqual(0.1 * (1 + 1e-5))
    expect(finished.find((p) => p.row.index === 0)!.row.decayTimes![1]).toBe(t)
  }, 30_000)

  it('table answers a custom query at the nearest xi of each run, and refuses bad queries and unknown sweeps', async () => {
    const dir = writeTinyProject([quickBase()], { sweeps: [seedSweep('one', 1)] })
    const events = watch('one')
    const idle = events.idle()
    await sweeps.start({ projectDir: dir, sweepId: 'one' })
    await idle
    events.stop()
    // the grid is xiMax 3 with 121 points: step 0.025; 0.41 snaps to 0.4, 1.49 to 1.5, 9 to 3
    const table = await sweeps.table({ projectDir: dir, sweepId: 'one', decay: { frequencies: [0.41, 1.49, 9], threshold: 0.1 } })
    const decay = record(table.rows[0].runDir!).metrics!.decay!
    const k = decay.thresholds.indexOf(0.1)
    const at = (xi: number) => decay.times[k][decay.xi.findIndex((x) => Math.abs(x - xi) < 1e-9)]
    expect(at(0.4)).toBeGreaterThan(0) // a finite time, so that the snapping is seen
    expect(table.rows[0].decayTimes).toEqual([at(0.4), at(1.5), at(3)])
    expect(table.decay).toEqual({ frequencies: [0.41, 1.49, 9], threshold: 0.1 })
    await expect(sweeps.table({ projectDir: dir, sweepId: 'one', decay: { frequencies: [1], threshold: 0.05 } })).rejects.toMatchObject({ code: INVALID_DECAY_QUERY_ERROR, message: expect.stringMatching(/one of 0.5, 0.1, 0.01, 0.001/) })
    await expect(sweeps.table({ projectDir: dir, sweepId: 'one', decay: { frequencies: [], threshold: 0.1 } })).rejects.toMatchObject({ code: INVALID_DECAY_QUERY_ERROR })
    await expect(sweeps.table({ projectDir: dir, sweepId: 'nope' })).rejects.toMatchObject({ code: UNKNOWN_SWEEP_ERROR, message: expect.stringMatching(/no sweep "nope".*one/) })
    await expect(sweeps.start({ projectDir: dir, sweepId: 'nope' })).rejects.toMatchObject({ code: UNKNOWN_SWEEP_ERROR })
  }, 30_000)

  it('pause lets the running point finish and starts no more; start resumes', async () => {
    const dir = writeTinyProject([slowBase()], { sweeps: [seedSweep('seeds', 2)] })
    const events = watch('seeds')
    const firstRunning = events.point((p) => p.row.status === 'running')
    let idle = events.idle()
    await sweeps.start({ projectDir: dir, sweepId: 'seeds', workers: 1 })
    await firstRunning
    await sweeps.pause({ projectDir: dir, sweepId: 'seeds' })
    const paused = await idle
    expect(events.progress.map((p) => p.activity)).toContain('pausing')
    expect(paused.progress).toMatchObject({ done: 1, pending: 1, running: 0 })
    expect(runFolders(dir)).toHaveLength(1)
    expect(record(join(dir, 'runs', runFolders(dir)[0])).status).toBe('done')
    expect((await sweeps.list({ projectDir: dir }))[0]).toMatchObject({ activity: 'idle', counts: { done: 1, pending: 1 } })

    idle = events.idle()
    await sweeps.start({ projectDir: dir, sweepId: 'seeds', workers: 1 })
    expect((await idle).progress).toMatchObject({ done: 2, finished: 2 })
    events.stop()
    expect(runFolders(dir)).toHaveLength(2)
  }, 30_000)

  it('cancel stops the running point (it stays pending); start resumes without recomputing finished points; a second start is refused while active', async () => {
    const dir = writeTinyProject([slowBase()], { sweeps: [seedSweep('seeds', 2)] })
    const events = watch('seeds')
    const secondRunning = events.point((p) => p.row.status === 'running' && p.row.index === 1)
    await sweeps.start({ projectDir: dir, sweepId: 'seeds', workers: 1 })
    await expect(sweeps.start({ projectDir: dir, sweepId: 'seeds' })).rejects.toMatchObject({ code: SWEEP_BUSY_ERROR })
    const running = await secondRunning
    await sweeps.cancel({ projectDir: dir, sweepId: 'seeds' }) // resolves once the sweep has stopped
    expect(events.progress.at(-1)).toMatchObject({ activity: 'idle', progress: { done: 1, pending: 1, running: 0 } })
    expect(events.progress.map((p) => p.activity)).toContain('cancelling')
    expect(record(running.row.runDir!).status).toBe('cancelled')
    expect(events.points.at(-1)!.row).toMatchObject({ index: 1, status: 'pending' })
    const table = await sweeps.table({ projectDir: dir, sweepId: 'seeds' })
    expect(table.rows.map((r) => r.status)).toEqual(['done', 'pending'])
    const doneRun = table.rows[0].runId

    const idle = events.idle()
    await sweeps.start({ projectDir: dir, sweepId: 'seeds', workers: 1 })
    await idle
    events.stop()
    const after = await sweeps.table({ projectDir: dir, sweepId: 'seeds' })
    expect(after.rows.map((r) => r.status)).toEqual(['done', 'done'])
    expect(after.rows[0].runId).toBe(doneRun)
    expect(runFolders(dir)).toHaveLength(3) // 1 done + 1 cancelled + 1 after the resume
  }, 30_000)

  it('refuses a sweep locked by another live process, an invalid sweep with its problems, and paths outside the browser-mode workspace', async () => {
    const dir = writeTinyProject([quickBase()], {
      sweeps: [
        seedSweep('seeds', 2),
        { id: 'typo', base: 'base', mode: 'grid', axes: [{ path: 'network.widht', values: [10] }] },
        // an odd width breaks zero-output initialisation: a point is invalid once its value is applied
        { id: 'odd', base: 'base', mode: 'grid', axes: [{ path: 'network.width', values: [100, 101] }] },
      ],
    })
    const listed = await sweeps.list({ projectDir: dir })
    expect(listed.map((s) => [s.sweepId, s.total, s.problems?.map((p) => p.path)])).toEqual([
      ['seeds', 2, undefined],
      ['typo', 0, ['$.sweeps[1].axes[0].path']],
      ['odd', 0, [expect.stringMatching(/^\$\.sweeps\[2\]\.points\[1\]/)]],
    ])
    await expect(sweeps.start({ projectDir: dir, sweepId: 'typo' })).rejects.toMatchObject({
      code: INVALID_SWEEP_ERROR, details: { problems: [{ path: '$.sweeps[1].axes[0].path', message: expect.stringMatching(/network.width/) }] },
    })
    await expect(sweeps.table({ projectDir: dir, sweepId: 'odd' })).rejects.toMatchObject({ code: INVALID_SWEEP_ERROR })
    // the lock of a live process other than this one (the parent)
    const lock = join(sweepDir(dir, 'seeds'), 'run.lock')
    mkdirSync(sweepDir(dir, 'seeds'), { recursive: true })
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname() }))
    await expect(sweeps.start({ projectDir: dir, sweepId: 'seeds' })).rejects.toMatchObject({ code: SWEEP_BUSY_ERROR, message: expect.stringMatching(/already being run by process/) })
    expect((await sweeps.list({ projectDir: dir }))[0].activity).toBe('idle')

    const browser = createServices({ mode: 'browser', workspaceRoot: dir, settingsDir: mkdtempSync(join(tmpdir(), 'mscale-settings-')) })
    try {
      const confined = createServiceClient(SWEEP_SERVICE, createInProcessTransport(serveWorkbenchServices(browser)))
      expect(await confined.list({ projectDir: '.' })).toHaveLength(3)
      await expect(confined.table({ projectDir: '/', sweepId: 'seeds' })).rejects.toMatchObject({ code: OUTSIDE_WORKSPACE_ERROR })
      await expect(confined.start({ projectDir: join(dir, '..'), sweepId: 'seeds' })).rejects.toMatchObject({ code: OUTSIDE_WORKSPACE_ERROR })
    } finally {
      await browser.dispose?.()
    }
  })
})
