import { describe, expect, it } from 'vitest'
import type { SweepTable } from '../../../src/shared/api/workbenchApi'
import { paramCell, sweepTableColumns, sweepTableCsv } from '../../../src/shared/sweep/sweepTableColumns'

const table: SweepTable = {
  sweepId: 's',
  axes: [{ path: 'network.scales', values: [[1], [1, 2]] }, { path: 'network.seed', values: [0, 1] }],
  snapshotTimes: [0, 2.5],
  models: ['diffusion', 'ntk'],
  decay: { frequencies: [0.5, 2], threshold: 0.01 },
  rows: [
    {
      index: 0, pointId: 'b__scales-1__seed-0', params: { 'network.scales': [1], 'network.seed': 0 }, status: 'done',
      runId: 'r0', wallSeconds: 1.5, finalErrorNorm: 0.25, finalRel: { diffusion: 0.03, ntk: 0.01 },
      rel: { diffusion: [0, 0.03], ntk: [0, 0.01] }, decayTimes: [1.25, null],
    },
    { index: 1, pointId: 'b__scales-1-2__seed-0', params: { 'network.scales': [1, 2], 'network.seed': 0 }, status: 'failed', message: 'diverged, "NaN" at step 3' },
  ],
}

describe('sweep table columns', () => {
  it('has one column per axis, model, snapshot and decay frequency, in order', () => {
    const keys = sweepTableColumns(table).map((c) => c.key)
    expect(keys).toEqual([
      'index', 'pointId', 'network.scales', 'network.seed', 'status', 'finalErrorNorm', 'finalRel.diffusion', 'finalRel.ntk',
      'rel.diffusion@t=0', 'rel.diffusion@t=2.5', 'rel.ntk@t=0', 'rel.ntk@t=2.5', 'decayTime@xi=0.5', 'decayTime@xi=2',
      'wallSeconds', 'runId', 'message',
    ])
  })

  it('keeps numbers, writes lists as JSON and a decay never reached as +Infinity', () => {
    const values = sweepTableColumns(table).map((c) => c.value(table.rows[0]))
    expect(values.slice(2, 4)).toEqual(['[1]', 0])
    expect(values[12]).toBe(1.25)
    expect(values[13]).toBe(Number.POSITIVE_INFINITY)
    expect(paramCell({ from: 1 })).toBe('{"from":1}')
    expect(paramCell(undefined)).toBeNull()
  })

  it('exports CSV with quoting, Inf for never and empty cells for missing values', () => {
    const lines = sweepTableCsv(table).trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toBe('0,b__scales-1__seed-0,[1],0,done,0.25,0.03,0.01,0,0.03,0,0.01,1.25,Inf,1.5,r0,')
    expect(lines[2]).toBe('1,b__scales-1-2__seed-0,"[1,2]",0,failed,,,,,,,,,,,,"diverged, ""NaN"" at step 3"')
    expect(sweepTableCsv(table, [table.rows[1]]).trimEnd().split('\n')).toHaveLength(2)
  })
})
