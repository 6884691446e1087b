/**
 * The columns of a sweep's results table (issue 4, Results), in one place for the UI table, its
 * CSV export and the CLI: one column per axis, then the status, the final error and rel of each
 * model, rel at each requested snapshot, the decay time at each chosen frequency, and the wall
 * time. A value is a number, a string or null (no value: a pending point, an older run).
 */
import type { SweepTable, SweepTableRow } from '../api/workbenchApi'
import { csvCell } from '../study/csvText'

export type SweepCellValue = number | string | null

export interface SweepColumn {
  /** stable key, also the CSV header */
  key: string
  /** what the UI shows as the header */
  label: string
  /** param: an axis (sorted by value, filtered by its values); the others sort as numbers or text */
  kind: 'param' | 'status' | 'metric' | 'text'
  value(row: SweepTableRow): SweepCellValue
}

/** An axis value as one cell: numbers stay numbers; lists and objects as compact JSON ("[1,2,4]"). */
export function paramCell(value: unknown): SweepCellValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'number' || typeof value === 'string') return value
  return JSON.stringify(value)
}

/** The columns of `table`, in display order. */
export function sweepTableColumns(table: SweepTable): SweepColumn[] {
  const columns: SweepColumn[] = [
    { key: 'index', label: '#', kind: 'metric', value: (row) => row.index },
    { key: 'pointId', label: 'point', kind: 'text', value: (row) => row.pointId },
  ]
  for (const axis of table.axes) {
    columns.push({ key: axis.path, label: axis.path, kind: 'param', value: (row) => paramCell(row.params[axis.path]) })
  }
  columns.push(
    { key: 'status', label: 'status', kind: 'status', value: (row) => row.status },
    { key: 'finalErrorNorm', label: '‖û(T)‖/‖û(0)‖', kind: 'metric', value: (row) => row.finalErrorNorm ?? null },
  )
  for (const model of table.models) {
    columns.push({ key: `finalRel.${model}`, label: `rel ${model} (T)`, kind: 'metric', value: (row) => row.finalRel?.[model] ?? null })
  }
  for (const model of table.models) {
    table.snapshotTimes.forEach((t, s) => {
      columns.push({ key: `rel.${model}@t=${t}`, label: `rel ${model} (t=${formatTime(t)})`, kind: 'metric', value: (row) => row.rel?.[model]?.[s] ?? null })
    })
  }
  table.decay.frequencies.forEach((xi, f) => {
    columns.push({
      key: `decayTime@xi=${xi}`,
      label: `t(|û(${xi})| ≤ ${table.decay.threshold})`,
      kind: 'metric',
      value: (row) => {
        const time = row.decayTimes?.[f]
        return time === undefined ? null : time === null ? Number.POSITIVE_INFINITY : time
      },
    })
  })
  columns.push(
    { key: 'wallSeconds', label: 'wall (s)', kind: 'metric', value: (row) => row.wallSeconds ?? null },
    { key: 'runId', label: 'run', kind: 'text', value: (row) => row.runId ?? null },
    { key: 'message', label: 'message', kind: 'text', value: (row) => row.message ?? null },
  )
  return columns
}

function formatTime(t: number): string {
  return Number.isInteger(t) ? String(t) : String(Number(t.toPrecision(4)))
}

/**
 * The table as CSV: a header of column keys, then one line per row of `rows` (default: every row
 * of the table, so a filtered and sorted view exports as shown). A decay time never reached is
 * written Inf.
 */
export function sweepTableCsv(table: SweepTable, rows: readonly SweepTableRow[] = table.rows): string {
  const columns = sweepTableColumns(table)
  const lines = [columns.map((c) => csvCell(c.key)).join(',')]
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','))
  return `${lines.join('\n')}\n`
}
