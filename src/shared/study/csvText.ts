/**
 * One CSV cell (RFC 4180 quoting) for every table the workbench exports: numbers at full
 * precision, non-finite numbers as NaN, Inf and -Inf, and an empty cell for no value.
 */
export function csvCell(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Inf' : '-Inf'
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}
