import { describe, expect, it } from 'vitest'
import type { SweepTableRow } from '../../../../src/shared/api/workbenchApi'
import { sweepTableColumns } from '../../../../src/shared/sweep/sweepTableColumns'
import {
  axisOrders, filterRows, formatCell, numericColumns, parseColumnFilter, sortRows, visibleRange,
} from '../../../../src/renderer/src/components/sweep/sweepTableModel'
import { row, table } from '../../stores/fakeSweepService'

function column(key: string, rows: SweepTableRow[]) {
  const found = sweepTableColumns(table('s', rows)).find((entry) => entry.key === key)
  if (!found) throw new Error(`no column ${key}`)
  return found
}

describe('formatCell', () => {
  it('shows numbers with 4 significant digits, never-reached times as ∞ and no value as —', () => {
    expect(formatCell(0.123456)).toBe('0.1235')
    expect(formatCell(4000)).toBe('4000')
    expect(formatCell(1.5e-7)).toBe('1.5e-7')
    expect(formatCell(123456.7)).toBe('1.235e5')
    expect(formatCell(Number.POSITIVE_INFINITY)).toBe('∞')
    expect(formatCell(Number.NaN)).toBe('—')
    expect(formatCell(null)).toBe('—')
    expect(formatCell('[1,2]')).toBe('[1,2]')
  })
})

describe('sortRows', () => {
  const rows = [
    row(0, { status: 'done', finalErrorNorm: 0.5, decayTimes: [0.3, null] }),
    row(1, { status: 'done', finalErrorNorm: 0.02, decayTimes: [null, null] }),
    row(2, { status: 'pending' }),
    row(3, { status: 'done', finalErrorNorm: 0.1, decayTimes: [0.05, 0.2] }),
  ]

  it('sorts numbers numerically (not as text) with empty cells last in either direction', () => {
    const final = column('finalErrorNorm', rows)
    expect(sortRows(rows, final, 'asc').map((entry) => entry.index)).toEqual([1, 3, 0, 2])
    expect(sortRows(rows, final, 'desc').map((entry) => entry.index)).toEqual([0, 3, 1, 2])
  })

  it('puts a decay time never reached (Inf) after every finite time, and a missing one last', () => {
    const decay = column('decayTime@xi=0.5', rows)
    expect(sortRows(rows, decay, 'asc').map((entry) => entry.index)).toEqual([3, 0, 1, 2])
  })

  it('sorts axis values by their order in the definition ([1] before [1,2], not by text)', () => {
    const reversed = [row(1), row(0), row(3), row(2)]
    const scales = column('network.scales', reversed)
    const orders = axisOrders(table('s', reversed))
    expect(sortRows(reversed, scales, 'asc', orders).map((entry) => entry.params['network.scales'])).toEqual([[1], [1], [1, 2], [1, 2]])
    expect(sortRows(reversed, scales, 'desc', orders).map((entry) => entry.index)).toEqual([1, 3, 0, 2])
  })

  it('is stable: equal cells keep the table order', () => {
    const status = column('status', rows)
    expect(sortRows(rows, status, 'asc').map((entry) => entry.index)).toEqual([0, 1, 3, 2])
  })
})

describe('filters', () => {
  it('reads comparisons, ranges, exact text and substrings', () => {
    const test = (text: string, value: number | string | null) => parseColumnFilter(text)!(value, formatCell(value))
    expect(parseColumnFilter('  ')).toBeNull()
    expect(test('> 0.1', 0.2)).toBe(true)
    expect(test('> 0.1', 0.1)).toBe(false)
    expect(test('>= 0.1', 0.1)).toBe(true)
    expect(test('<1e-3', 5e-4)).toBe(true)
    expect(test('<= 2', null)).toBe(false)
    expect(test('= 4000', 4000)).toBe(true)
    expect(test('0.1..0.5', 0.3)).toBe(true)
    expect(test('0.5..0.1', 0.3)).toBe(true)
    expect(test('0.1..0.5', 0.6)).toBe(false)
    expect(test('> inf', Number.POSITIVE_INFINITY)).toBe(false)
    expect(test('=[1,2]', '[1,2]')).toBe(true)
    expect(test('=[1,2]', '[1,2,4]')).toBe(false)
    expect(test('DONE', 'done')).toBe(true)
  })

  it('keeps the rows every column filter and the global filter let through', () => {
    const rows = [0, 1, 2, 3].map((index) => row(index, { status: index === 2 ? 'failed' : 'done', finalErrorNorm: index / 10 }))
    const columns = sweepTableColumns(table('s', rows))
    expect(filterRows(rows, columns, {}).map((entry) => entry.index)).toEqual([0, 1, 2, 3])
    expect(filterRows(rows, columns, { 'network.scales': '=[1,2]' }).map((entry) => entry.index)).toEqual([1, 3])
    expect(filterRows(rows, columns, { 'network.scales': '=[1,2]', finalErrorNorm: '> 0.2' }).map((entry) => entry.index)).toEqual([3])
    expect(filterRows(rows, columns, {}, 'FAILED').map((entry) => entry.index)).toEqual([2])
    expect(filterRows(rows, columns, {}, 'seed-1').map((entry) => entry.index)).toEqual([2, 3])
  })
})

describe('visibleRange', () => {
  it('gives the rows of the viewport plus the overscan, clamped to the table', () => {
    expect(visibleRange(0, 368, 24, 1000, 8)).toEqual({ start: 0, end: 25 })
    expect(visibleRange(24 * 500, 368, 24, 1000, 8)).toEqual({ start: 492, end: 525 })
    expect(visibleRange(24 * 995, 368, 24, 1000, 8)).toEqual({ start: 987, end: 1000 })
    expect(visibleRange(0, 368, 24, 5, 8)).toEqual({ start: 0, end: 5 })
    expect(visibleRange(0, 368, 24, 0, 8)).toEqual({ start: 0, end: 0 })
  })
})

describe('numericColumns', () => {
  it('offers the metrics to the charts, without the row number', () => {
    const keys = numericColumns(sweepTableColumns(table('s', [row(0)]))).map((entry) => entry.key)
    expect(keys).toEqual(['finalErrorNorm', 'finalRel.diffusion', 'rel.diffusion@t=0', 'rel.diffusion@t=0.5', 'decayTime@xi=0.5', 'decayTime@xi=1', 'wallSeconds'])
  })
})
