/**
 * How numbers, durations and times read in the shell: a few significant digits, exponents only
 * where magnitudes need them, and units spelled out.
 */

/** 3 significant digits; exponent notation below 1e-3 and from 1e5 on. */
export function formatNumber(value: number | undefined | null, digits = 3): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '—'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞'
  if (value === 0) return '0'
  const magnitude = Math.abs(value)
  if (magnitude < 1e-3 || magnitude >= 1e5) return value.toExponential(digits - 1).replace('e+', 'e')
  return String(Number(value.toPrecision(digits)))
}

/** A fraction as a percentage: 0.0123 -> "1.23%". */
export function formatPercent(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—'
  return `${formatNumber(value * 100)}%`
}

/** Seconds as "850 ms", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number | undefined | null): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

/** A local date-time, short: "Dec 4, 15:30". */
export function formatWhen(date: Date | string | undefined): string {
  if (date === undefined) return '—'
  const value = typeof date === 'string' ? new Date(date) : date
  if (Number.isNaN(value.getTime())) return '—'
  return value.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

/** When a run was created, to the second: "16:51:10" today, "Dec 4, 16:51:10" before. */
export function formatRunTime(date: Date | string | undefined, now = new Date()): string {
  if (date === undefined) return '—'
  const value = typeof date === 'string' ? new Date(date) : date
  if (Number.isNaN(value.getTime())) return '—'
  const time = value.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
  return value.toDateString() === now.toDateString() ? time : `${value.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time}`
}

/** The last part of a path: "/a/b/study.mscale" -> "study.mscale". */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '')
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1) || trimmed
}
