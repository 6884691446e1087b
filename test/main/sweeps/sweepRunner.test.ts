// Running sweeps through the RunService with real run workers (out/node/runWorker.mjs, built by
// `npm test` before Vitest runs): persistence, resume, failure isolation, the lock.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../src/shared/study/runRecord'
import { acquireSweepLock, readSweepStatus, runSweep, runSweepPoint, sweepRunThreads, type SweepPointEvent } from '../../../src/main/sweeps/sweepRunner'
import { SweepDefinitionError } from '../../../src/main/sweeps/sweepDefinition'
import { readSweepState, sweepDir } from '../../../src/main/sweeps/sweepState'
import { tinyExperiment, writeTinyProject } from '../../helpers/tinyProject'

/** 2 x 2 points; learning rate 1000 is far above 2 / lambda_max, so those two runs are refused before training. */
function sweepProject(): string {
  return writeTinyProject([tinyExperiment('base')], {
    sweeps: [{ id: 'lr-seed', base: 'base', mode: 'grid', axes: [{ path: 'training.learningRate', values: ['auto', 1000] }, { path: 'network.seed', values: { from: 0, to: 1 } }] }],
  })
}
const runFolders = (dir: string) => readdirSync(join(dir, 'runs')).sort()
const record = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunRecord

describe('runSweep', () => {
  it('runs every point into its own run folder, records the failing points and finishes the others; a rerun recomputes nothing', async () => {
    const dir = sweepProject()
    const events: SweepPointEvent[] = []
    const { state, cancelled } = await runSweep({ projectDir: dir, sweepId: 'lr-seed', workers: 2, onPoint: (e) => events.push(e) })
    expect(cancelled).toBe(false)
    expect(state.points).toHaveLength(4)
    const byLr = (lr: unknown) => state.points.filter((p, k) => events.find((e) => e.index === k)!.params['training.learningRate'] === lr)
    expect(byLr('auto').map((p) => p.status)).toEqual(['done', 'done'])
    expect(byLr(1000).map((p) => p.status)).toEqual(['failed', 'failed'])
    for (const p of byLr(1000)) expect(p.message).toMatch(/not stable/)
    // one run folder per point, each run.json naming its sweep point
    expect(runFolders(dir)).toHaveLength(4)
    for (const p of state.points) {
      const r = record(p.runDir!)
      expect(r.sweep).toMatchObject({ id: 'lr-seed', pointId: p.pointId, index: p.index })
      expect(r.experimentId).toBe(p.pointId)
    }
    // One event per point; the progress each carries counts what had finished when it was sent
    // (two points ending at the same moment may both report the same count), and the last says all.
    expect(events.map((e) => e.index).sort()).toEqual([0, 1, 2, 3])
    const counts = events.map((e) => e.progress.finished)
    expect(counts.every((n, k) => n >= 1 && n <= 4 && (k === 0 || n >= counts[k - 1]))).toBe(true)
    expect(counts[counts.length - 1]).toBe(4)
    expect(events.every((e) => !e.reused)).toBe(true)
    // the state file on disk says the same
    expect((await readSweepState(dir, 'lr-seed'))?.points.map((p) => [p.status, p.runId])).toEqual(state.points.map((p) => [p.status, p.runId]))
    expect(existsSync(join(sweepDir(dir, 'lr-seed'), 'run.lock'))).toBe(false)

    const again: SweepPointEvent[] = []
    const rerun = await runSweep({ projectDir: dir, sweepId: 'lr-seed', workers: 2, onPoint: (e) => again.push(e) })
    expect(again.every((e) => e.reused)).toBe(true)
    expect(rerun.state.points.map((p) => p.runId)).toEqual(state.points.map((p) => p.runId))
    expect(runFolders(dir)).toHaveLength(4)
  }, 30_000)

  it('after a crash, reruns a point whose run.json still says running in a fresh folder and marks the stale run interrupted', async () => {
    const dir = sweepProject()
    const first = await runSweep({ projectDir: dir, sweepId: 'lr-seed', workers: 2 })
    const victim = first.state.points.find((p) => p.status === 'done')!
    // what a killed process leaves: a run.json written at the start of the run, never finished
    writeFileSync(join(victim.runDir!, 'run.json'), JSON.stringify({ ...record(victim.runDir!), status: 'running', metrics: undefined, timings: undefined }))
    const status = await readSweepStatus(dir, 'lr-seed')
    expect(status.state.points[victim.index].status).toBe('running')
    const second = await runSweep({ projectDir: dir, sweepId: 'lr-seed', workers: 2 })
    const redone = second.state.points[victim.index]
    expect(redone.status).toBe('done')
    expect(redone.runId).not.toBe(victim.runId)
    expect(record(victim.runDir!)).toMatchObject({ status: 'cancelled', message: expect.stringMatching(/interrupted/) })
    for (const p of second.state.points) if (p.index !== victim.index) expect(p.runId).toBe(first.state.points[p.index].runId)
    expect(runFolders(dir)).toHaveLength(5)
  }, 30_000)

  it('cancels on abort (the runs under way end cancelled, their points stay pending) and resumes to the end', async () => {
    // m = 200, T = 300: about a second per point, so the abort lands during the first run
    const dir = writeTinyProject([tinyExperiment('base', { network: { width: 200 }, training: { time: 300 } })], {
      sweeps: [{ id: 'seeds', base: 'base', mode: 'grid', axes: [{ path: 'network.seed', values: [0, 1] }] }],
    })
    const controller = new AbortController()
    const paused = await runSweep({ projectDir: dir, sweepId: 'seeds', workers: 1, signal: controller.signal, onProgress: (p) => p.running > 0 && controller.abort() })
    expect(paused.cancelled).toBe(true)
    expect(paused.state.points.map((p) => p.status)).toEqual(['pending', 'pending'])
    expect(runFolders(dir).map((runId) => record(join(dir, 'runs', runId)).status)).toEqual(['cancelled'])
    const resumed = await runSweep({ projectDir: dir, sweepId: 'seeds', workers: 1 })
    expect(resumed.state.points.map((p) => p.status)).toEqual(['done', 'done'])
    expect(runFolders(dir)).toHaveLength(3)
  }, 30_000)

  it('run-point runs one point alone and does not run a finished point again', async () => {
    const dir = sweepProject()
    const one = await runSweepPoint({ projectDir: dir, sweepId: 'lr-seed', index: 1 })
    expect(one).toMatchObject({ index: 1, status: 'done', reused: false })
    const twice = await runSweepPoint({ projectDir: dir, sweepId: 'lr-seed', index: 1 })
    expect(twice).toMatchObject({ status: 'done', reused: true, runId: one.runId })
    expect(runFolders(dir)).toEqual([one.runId])
    expect(existsSync(join(sweepDir(dir, 'lr-seed'), 'state.json'))).toBe(false)
    await expect(runSweepPoint({ projectDir: dir, sweepId: 'lr-seed', index: 4 })).rejects.toThrow(/4 points .*no point 4/)
  }, 30_000)

  it('refuses an unknown sweep, and a sweep locked by a live process', async () => {
    const dir = sweepProject()
    await expect(runSweep({ projectDir: dir, sweepId: 'nope' })).rejects.toThrow(SweepDefinitionError)
    await expect(runSweep({ projectDir: dir, sweepId: 'nope' })).rejects.toThrow(/no sweep "nope".*lr-seed/)
    const release = await acquireSweepLock(dir, 'lr-seed')
    // the lock names this process; a live process other than the caller (the parent) holds it
    const lock = join(sweepDir(dir, 'lr-seed'), 'run.lock')
    writeFileSync(lock, JSON.stringify({ ...JSON.parse(readFileSync(lock, 'utf8')), pid: process.ppid }))
    await expect(runSweep({ projectDir: dir, sweepId: 'lr-seed' })).rejects.toThrow(/already being run by process/)
    // a dead holder's lock is taken over (pid 2^22 + 1 is above Linux's pid_max default of 2^22)
    writeFileSync(lock, JSON.stringify({ ...JSON.parse(readFileSync(lock, 'utf8')), pid: 4194305 }))
    const takeOver = await acquireSweepLock(dir, 'lr-seed')
    await takeOver()
    await release()
    expect(existsSync(lock)).toBe(false)
  })

  it('gives each run an equal share of the cores, so that the workers never oversubscribe them', () => {
    expect([[1, 2], [2, 2], [3, 2], [4, 16], [15, 16], [5, 16]].map(([workers, cores]) => sweepRunThreads(workers, cores))).toEqual([2, 1, 1, 4, 1, 3])
  })
})
