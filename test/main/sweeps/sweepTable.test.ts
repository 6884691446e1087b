// The sweep table from run.json files written here by hand (no training): which run counts for a
// point, rel at the base's snapshot times, decay lookups, and the digest cache.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../src/shared/study/runRecord'
import { readSweepCatalog } from '../../../src/main/sweeps/sweepCatalog'
import { buildSweepTable, RunDigestCache, defaultDecayQuery } from '../../../src/main/sweeps/sweepTable'
import { writeSweepState } from '../../../src/main/sweeps/sweepState'
import { sweepCommand } from '../../../src/main/cli/sweepCommand'
import { UsageError } from '../../../src/main/cli/commandLine'
import { tinyExperiment, writeTinyProject } from '../../helpers/tinyProject'

const ETA = 0.01
/** A finished run.json of point `pointId` whose numbers all carry `mark`, so that tests can tell runs apart. */
function runJson(runId: string, pointId: string, index: number, status: RunRecord['status'], mark: number): object {
  const snapshot = (t: number, errorNorm: number) => ({ t, step: Math.round(t / ETA), errorNorm, errorNormP: 0, highBandErrorNorm: errorNorm, rel: { diffusion: mark + t, ntk: mark - t }, relQ: {}, relP: {} })
  return {
    format: 'mscale-workbench/run', version: 1, runId, experimentId: pointId, status, createdAt: '', config: {}, requestedBackend: 'js-f64', versions: {},
    seeds: { network: 0, samples: 0 }, arrays: {}, sweep: { id: 's', pointId, index, params: { 'network.seed': index } },
    learningRate: { value: ETA, auto: true, lambdaMax: 50, largestStable: 0.04 },
    timings: { prepareSeconds: 0, trainSeconds: 0, analysisSeconds: 0, totalSeconds: mark, msPerStep: 0 },
    ...(status === 'done' ? {
      metrics: {
        initialLoss: 1, finalLoss: 0.1,
        // snapshot times as the run took them: round(t / eta) steps, so 0.25 -> 0.25 and 0.5 -> 0.5
        snapshots: [snapshot(0, 2), snapshot(0.25, 1), snapshot(0.5, 0.5)],
        decay: { thresholds: [0.5, 0.1, 0.01, 0.001], xi: [0, 0.5, 1, 1.5, 2], times: [[0, 0.1, 0.2, 0.3, null], [0, mark, 0.4, null, null], [0, null, null, null, null], [0, null, null, null, null]] },
      },
    } : {}),
  }
}

function writeRun(dir: string, runId: string, record: object): string {
  const runDir = join(dir, 'runs', runId)
  mkdirSync(runDir, { recursive: true })
  writeFileSync(join(runDir, 'run.json'), JSON.stringify(record))
  return runDir
}

async function tableOf(dir: string, query?: Parameters<typeof buildSweepTable>[2], cache?: RunDigestCache) {
  const [sweep] = await readSweepCatalog(dir)
  return buildSweepTable(dir, sweep as Parameters<typeof buildSweepTable>[1], query, cache)
}

const project = () => writeTinyProject([tinyExperiment('base')], { sweeps: [{ id: 's', base: 'base', mode: 'grid', axes: [{ path: 'network.seed', values: [0, 1, 2, 3] }] }] })

describe('buildSweepTable', () => {
  it('gives each point the run that counts, rel at the base snapshot times and the decay times of the query', async () => {
    const dir = project()
    writeRun(dir, 'base__seed-0-20260101-000000-aaaa', runJson('a', 'base__seed-0', 0, 'done', 1))
    writeRun(dir, 'base__seed-0-20260101-000001-bbbb', runJson('b', 'base__seed-0', 0, 'done', 2)) // latest finished wins
    writeRun(dir, 'base__seed-1-20260101-000000-cccc', runJson('c', 'base__seed-1', 1, 'running', 3))
    writeRun(dir, 'base__seed-2-20260101-000000-dddd', runJson('d', 'base__seed-2', 2, 'cancelled', 4))
    writeRun(dir, 'other-20260101-000000-eeee', { ...runJson('e', 'x', 0, 'done', 5), sweep: undefined })
    const table = await tableOf(dir, { frequencies: [0.45, 1.9], threshold: 0.1 })
    expect(table.snapshotTimes).toEqual([0.25, 0.5])
    expect(table.rows.map((r) => [r.status, r.runId])).toEqual([['done', 'base__seed-0-20260101-000001-bbbb'], ['running', 'base__seed-1-20260101-000000-cccc'], ['pending', undefined], ['pending', undefined]])
    expect(table.rows[0]).toMatchObject({
      wallSeconds: 2, finalErrorNorm: 0.25, finalRel: { diffusion: 2.5, ntk: 1.5 },
      rel: { diffusion: [2.25, 2.5], ntk: [1.75, 1.5] },
      decayTimes: [2, null], // xi 0.45 -> 0.5 (time = mark 2), 1.9 -> 2 (never)
    })
    // state.json names the earlier run: it counts
    await writeSweepState(dir, { format: 'mscale-workbench/sweep-state', version: 1, sweepId: 's', updatedAt: '', points: [{ index: 0, pointId: 'base__seed-0', status: 'done', runId: 'base__seed-0-20260101-000000-aaaa' }] })
    expect((await tableOf(dir)).rows[0]).toMatchObject({ runId: 'base__seed-0-20260101-000000-aaaa', wallSeconds: 1 })
  })

  it('gives NaN where a run has no snapshot at a base time or stored no decay times, and defaults the query from the band', async () => {
    const dir = project()
    const record = runJson('a', 'base__seed-0', 0, 'done', 1) as { metrics: { snapshots: unknown[]; decay?: unknown } }
    record.metrics.snapshots = record.metrics.snapshots.slice(0, 2) // stopped before t = 0.5
    delete record.metrics.decay // an older run
    writeRun(dir, 'base__seed-0-20260101-000000-aaaa', record)
    const table = await tableOf(dir)
    expect(table.decay).toEqual({ frequencies: [0.5, 1, 2], threshold: 0.01 }) // tiny base: band 2
    expect(table.rows[0].rel).toEqual({ diffusion: [1.25, Number.NaN], ntk: [0.75, Number.NaN] })
    expect(table.rows[0].decayTimes).toEqual([Number.NaN, Number.NaN, Number.NaN])
    expect(defaultDecayQuery({ analysis: { band: 2.5 } } as Parameters<typeof defaultDecayQuery>[0]).frequencies).toEqual([0.625, 1.25, 2.5])
  })

  it('reads a finished run once (its run.json never changes), re-reads runs under way and reads again for another query', async () => {
    const dir = project()
    const done = writeRun(dir, 'base__seed-0-20260101-000000-aaaa', runJson('a', 'base__seed-0', 0, 'done', 1))
    const live = writeRun(dir, 'base__seed-1-20260101-000000-cccc', runJson('c', 'base__seed-1', 1, 'running', 3))
    const cache = new RunDigestCache()
    const query = { frequencies: [0.5], threshold: 0.1 }
    expect((await tableOf(dir, query, cache)).rows[0].wallSeconds).toBe(1)
    expect(cache.size).toBe(1) // the running run is not cached
    // changed on disk behind the cache's back: the cached digest is used, the running run is read again
    writeFileSync(join(done, 'run.json'), JSON.stringify(runJson('a', 'base__seed-0', 0, 'done', 7)))
    writeFileSync(join(live, 'run.json'), JSON.stringify(runJson('c', 'base__seed-1', 1, 'done', 8)))
    const again = await tableOf(dir, query, cache)
    expect(again.rows.slice(0, 2).map((r) => [r.status, r.wallSeconds])).toEqual([['done', 1], ['done', 8]])
    // another query needs the decay times of other frequencies: read again
    expect((await tableOf(dir, { frequencies: [0.5], threshold: 0.5 }, cache)).rows[0].wallSeconds).toBe(7)
    // bounded: the oldest entries go first
    const small = new RunDigestCache(1)
    await tableOf(dir, query, small)
    expect(small.size).toBe(1)
  })
})

describe('mscale sweep table', () => {
  const run = async (...args: string[]) => {
    const lines: string[] = []
    const code = await sweepCommand(['table', ...args], { print: (line) => lines.push(line), status: () => undefined })
    return { code, lines }
  }

  it('prints the table, writes it as CSV and as JSON with the query given, and refuses a bad query as a usage error', async () => {
    const dir = project()
    writeRun(dir, 'base__seed-0-20260101-000000-aaaa', runJson('a', 'base__seed-0', 0, 'done', 1))
    const text = await run(dir, '--sweep', 's')
    expect(text.code).toBe(0)
    expect(text.lines[0]).toMatch(/^#\s+point\s+network.seed\s+status/)
    expect(text.lines[1]).toMatch(/^0\s+base__seed-0\s+0\s+done\s+0.2500/)
    expect(text.lines.at(-1)).toMatch(/1 done, 0 diverged, 0 failed, 0 running, 3 pending, of 4/)

    const csv = join(dir, 'out', 'table.csv')
    expect((await run(dir, '--sweep', 's', '--frequencies', '0.45,1.9', '--threshold', '0.1', '--csv', csv)).lines).toEqual([`wrote ${csv}: 4 rows`])
    const [header, first] = readFileSync(csv, 'utf8').split('\n')
    const cell = (key: string) => first.split(',')[header.split(',').indexOf(key)]
    expect([cell('decayTime@xi=0.45'), cell('decayTime@xi=1.9'), cell('rel.ntk@t=0.25')]).toEqual(['1', 'Inf', '0.75'])

    const json = JSON.parse((await run(dir, '--sweep', 's', '--json', '--threshold', '0.5')).lines[0])
    expect(json.decay).toEqual({ frequencies: [0.5, 1, 2], threshold: 0.5 })
    expect(json.rows[0].decayTimes).toEqual([0.1, 0.2, null])

    await expect(run(dir, '--sweep', 's', '--threshold', '0.05')).rejects.toThrow(UsageError)
    await expect(run(dir, '--sweep', 's', '--frequencies', 'a,b')).rejects.toThrow(/--frequencies/)
    await expect(run(dir, '--sweep', 's', '--csv', 'x.csv', '--json')).rejects.toThrow(/not both/)
    expect((await run(dir, '--sweep', 'nope')).lines[0]).toMatch(/no sweep "nope"/)
  })
})
