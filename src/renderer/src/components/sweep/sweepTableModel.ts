/**
 * What the sweep results table does with its rows, as pure functions (issue 4, Results): sort by
 * any column, filter by a global text and a text per column, show cells, and pick the rows a
 * scrolled viewport needs (the table renders only those, so 1,000 rows stay smooth).
 *
 * Sorting: numbers numerically; a decay time never reached (+Inf) sorts after every finite time;
 * an empty cell (null, NaN) is last in either direction. Axis columns sort by the order of the
 * values in the sweep's definition ([1] < [1,2] < [1,2,4], not by their text).
 *
 * Column filters: "> 0.1", ">= 1e-3", "< 2", "<= 2", "= 4000", "0.1..0.5" (inclusive) for numbers;
 * anything else matches cells whose shown text contains it (case-insensitive); "=text" matches the
 * whole text.
 */
import type { SweepTable, SweepTableRow } from '../../../../shared/api/workbenchApi'
import type { SweepCellValue, SweepColumn } from '../../../../shared/sweep/sweepTableColumns'
import { paramCell } from '../../../../shared/sweep/sweepTableColumns'

/** Height (px) of a table row: rows are laid out at multiples of it (SweepTableView.vue's CSS matches). */
export const SWEEP_ROW_HEIGHT = 24

export type SortDirection = 'asc' | 'desc'

export interface SweepSort {
  key: string
  direction: SortDirection
}

/** A cell as the table shows it: 4 significant digits, ∞ for a time never reached, — for none. */
export function formatCell(value: SweepCellValue): string {
  if (value === null) return '—'
  if (typeof value === 'string') return value
  if (Number.isNaN(value)) return '—'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞'
  if (value === 0 || (Number.isInteger(value) && Math.abs(value) < 1e7)) return String(value)
  const magnitude = Math.abs(value)
  if (magnitude >= 1e-3 && magnitude < 1e5) return String(Number(value.toPrecision(4)))
  return value.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e')
}

/** Whether a cell is empty for sorting (no value, or NaN). */
function isEmpty(value: SweepCellValue): boolean {
  return value === null || (typeof value === 'number' && Number.isNaN(value))
}

/**
 * The rank of each axis value in its definition, per axis column key: cells compare by it.
 * Values are matched by their cell text (paramCell), the same text the table shows.
 */
export function axisOrders(table: SweepTable): Map<string, Map<SweepCellValue, number>> {
  const orders = new Map<string, Map<SweepCellValue, number>>()
  for (const axis of table.axes) {
    const order = new Map<SweepCellValue, number>()
    axis.values.forEach((value, index) => order.set(paramCell(value), index))
    orders.set(axis.path, order)
  }
  return orders
}

/** Compares two non-empty cells: numbers before text, numbers numerically (+Inf largest), text naturally. */
export function compareValues(a: SweepCellValue, b: SweepCellValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1
  if (typeof a === 'number') return -1
  if (typeof b === 'number') return 1
  return String(a).localeCompare(String(b), undefined, { numeric: true })
}

/**
 * The rows sorted by one column (a stable sort: equal cells keep the table's order). `orders`
 * (from axisOrders) ranks axis values by their definition.
 */
export function sortRows(
  rows: readonly SweepTableRow[], column: SweepColumn, direction: SortDirection,
  orders?: Map<string, Map<SweepCellValue, number>>,
): SweepTableRow[] {
  const order = column.kind === 'param' ? orders?.get(column.key) : undefined
  const sign = direction === 'asc' ? 1 : -1
  const keyed = rows.map((row, position) => {
    const value = column.value(row)
    const ranked = order && value !== null && order.has(value) ? order.get(value)! : value
    return { row, position, value: ranked }
  })
  keyed.sort((x, y) => {
    const emptyX = isEmpty(x.value)
    const emptyY = isEmpty(y.value)
    if (emptyX || emptyY) return emptyX === emptyY ? x.position - y.position : emptyX ? 1 : -1
    return sign * compareValues(x.value, y.value) || x.position - y.position
  })
  return keyed.map((entry) => entry.row)
}

export type CellPredicate = (value: SweepCellValue, shown: string) => boolean

const COMPARISON = /^(>=|<=|>|<|=)\s*(.+)$/
const RANGE = /^(.+?)\s*\.\.\s*(.+)$/

function parseNumber(text: string): number | undefined {
  const trimmed = text.trim()
  if (/^[+-]?(inf|infinity|∞)$/i.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity
  if (trimmed === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return undefined
  return Number(trimmed)
}

/** A column filter's text as a predicate; null for an empty filter (every row passes). */
export function parseColumnFilter(text: string): CellPredicate | null {
  const trimmed = text.trim()
  if (trimmed === '') return null
  const comparison = COMPARISON.exec(trimmed)
  if (comparison) {
    const [, operator, operand] = comparison
    const bound = parseNumber(operand)
    if (bound !== undefined) {
      return (value) => {
        if (typeof value !== 'number' || Number.isNaN(value)) return false
        switch (operator) {
          case '>': return value > bound
          case '>=': return value >= bound
          case '<': return value < bound
          case '<=': return value <= bound
          default: return value === bound
        }
      }
    }
    if (operator === '=') {
      const wanted = operand.trim().toLowerCase()
      return (_value, shown) => shown.toLowerCase() === wanted
    }
  }
  const range = RANGE.exec(trimmed)
  if (range) {
    const low = parseNumber(range[1])
    const high = parseNumber(range[2])
    if (low !== undefined && high !== undefined) {
      return (value) => typeof value === 'number' && value >= Math.min(low, high) && value <= Math.max(low, high)
    }
  }
  const needle = trimmed.toLowerCase()
  return (_value, shown) => shown.toLowerCase().includes(needle)
}

/**
 * The rows every filter lets through: `columnFilters` by column key (see parseColumnFilter), and
 * `global` (case-insensitive) contained in the shown text of some cell.
 */
export function filterRows(
  rows: readonly SweepTableRow[], columns: readonly SweepColumn[], columnFilters: Record<string, string>, global = '',
): SweepTableRow[] {
  const active: { column: SweepColumn; test: CellPredicate }[] = []
  for (const column of columns) {
    const test = parseColumnFilter(columnFilters[column.key] ?? '')
    if (test) active.push({ column, test })
  }
  const needle = global.trim().toLowerCase()
  if (active.length === 0 && needle === '') return [...rows]
  return rows.filter((row) => {
    for (const { column, test } of active) {
      const value = column.value(row)
      if (!test(value, formatCell(value))) return false
    }
    if (needle === '') return true
    return columns.some((column) => formatCell(column.value(row)).toLowerCase().includes(needle))
  })
}

/**
 * The rows a viewport shows: [start, end) of `count` rows of `rowHeight` px scrolled by
 * `scrollTop`, with `overscan` rows either side so fast scrolling shows no gap.
 */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 8): { start: number; end: number } {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 }
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight)
  const shown = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1
  const start = Math.max(0, Math.min(count, first) - overscan)
  const end = Math.min(count, first + shown + overscan)
  return { start, end: Math.max(start, end) }
}

/** The columns whose values are numbers a chart can plot (metrics, without the row number). */
export function numericColumns(columns: readonly SweepColumn[]): SweepColumn[] {
  return columns.filter((column) => column.kind === 'metric' && column.key !== 'index')
}
