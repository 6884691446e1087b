// The persistent sweep state: reconciliation with run.json files (pure) and the atomic state file.
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../src/shared/study/runRecord'
import type { SweepPoint } from '../../../src/shared/sweep/sweepTypes'
import { countStatuses, readSweepState, reconcileSweepState, sweepDir, writeSweepState, type SweepRunListing } from '../../../src/main/sweeps/sweepState'

const point = (index: number, id: string): SweepPoint => ({ index, id, params: { 'network.seed': index }, experiment: {} as SweepPoint['experiment'] })
const run = (runId: string, pointId: string, status: RunRecord['status'], extra: Partial<RunRecord> = {}): SweepRunListing => ({
  runId, runDir: `/p/runs/${runId}`,
  record: { runId, status, sweep: { id: 's', pointId, index: 0, params: {} }, ...extra } as RunRecord,
})

describe('reconcileSweepState', () => {
  const points = [point(0, 'a'), point(1, 'b'), point(2, 'c'), point(3, 'd'), point(4, 'e')]

  it('finishes a point only when a run.json says done, diverged or failed; queued or running runs are stale; cancelled reruns', () => {
    const runs = new Map<string, SweepRunListing[]>([
      ['a', [run('a-1', 'a', 'done', { timings: { totalSeconds: 2.5 } as RunRecord['timings'] })]],
      ['b', [run('b-1', 'b', 'running')]],
      ['c', [run('c-1', 'c', 'failed', { message: 'learning rate 1000 is not stable' })]],
      ['d', [run('d-1', 'd', 'cancelled')]],
    ])
    const { state, unfinished } = reconcileSweepState('s', points, runs)
    expect(state.points.map((p) => p.status)).toEqual(['done', 'running', 'failed', 'pending', 'pending'])
    expect(state.points[0]).toMatchObject({ runId: 'a-1', wallSeconds: 2.5 })
    expect(state.points[2].message).toContain('not stable')
    expect(unfinished.map((r) => r.runId)).toEqual(['b-1'])
    expect(countStatuses(state.points)).toEqual({ pending: 2, running: 1, done: 1, diverged: 0, failed: 1 })
  })

  it('prefers the run the state names, else the latest finished one; a finished run wins over a stale one', () => {
    const runs = new Map<string, SweepRunListing[]>([
      ['a', [run('a-1', 'a', 'done'), run('a-2', 'a', 'done')]],
      ['b', [run('b-1', 'b', 'done'), run('b-2', 'b', 'running')]],
    ])
    const previous = reconcileSweepState('s', points, new Map([['a', [run('a-1', 'a', 'done')]]])).state
    const { state, unfinished } = reconcileSweepState('s', points, runs, previous)
    expect(state.points[0].runId).toBe('a-1')
    expect(state.points[1]).toMatchObject({ status: 'done', runId: 'b-1' })
    expect(unfinished).toEqual([])
    expect(reconcileSweepState('s', points, runs).state.points[0].runId).toBe('a-2')
  })

  it('matches runs by point id, so a state or a run of another definition marks nothing finished', () => {
    const runs = new Map<string, SweepRunListing[]>([['zz', [run('zz-1', 'zz', 'done')]]])
    const previous = { ...reconcileSweepState('s', points, runs).state }
    previous.points = previous.points.map((p) => ({ ...p, status: 'done' as const, runId: 'x' }))
    const { state } = reconcileSweepState('s', points, runs, previous)
    expect(state.points.every((p) => p.status === 'pending')).toBe(true)
  })
})

describe('sweep state file', () => {
  it('round-trips through <project>/sweeps/<id>/state.json, leaving no temporary file', async () => {
    const projectDir = mkdtempSync(join(tmpdir(), 'mscale-sweep-state-'))
    expect(await readSweepState(projectDir, 's')).toBeUndefined()
    const { state } = reconcileSweepState('s', [point(0, 'a')], new Map([['a', [run('a-1', 'a', 'done')]]]))
    await writeSweepState(projectDir, state)
    const read = await readSweepState(projectDir, 's')
    expect(read?.points).toEqual(state.points)
    expect(readdirSync(sweepDir(projectDir, 's'))).toEqual(['state.json'])
  })
})
