/**
 * An axis' values as the sweep editor lets them be typed (issue 4, Definition): a JSON list
 * ("[1000, 4000]", "[[1], [1, 2]]", "[\"sin\", \"relu\"]") or an inclusive integer range
 * ("0..4", or the JSON form {"from": 0, "to": 4}). What cannot be read is kept as the text
 * itself, so nothing typed is lost and the schema says what it expects.
 */
import type { IntegerRange } from '../../../../shared/sweep/sweepTypes'

export interface ParsedAxisValues {
  /** the value for project.json: a list, a range, the raw text when unreadable, undefined when empty */
  value: unknown[] | IntegerRange | string | undefined
  /** why the text is not a list or a range, in words; absent when it is */
  error?: string
}

const RANGE_TEXT = /^\s*([+-]?\d+)\s*\.\.\s*([+-]?\d+)\s*$/

/** Reads the text of an axis' values field. */
export function parseAxisValuesText(text: string): ParsedAxisValues {
  const trimmed = text.trim()
  if (trimmed === '') return { value: undefined }
  const range = RANGE_TEXT.exec(trimmed)
  if (range) return { value: { from: Number(range[1]), to: Number(range[2]) } }
  let parsed: unknown
  try {
    parsed = JSON.parse(trimmed)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return { value: trimmed, error: `not a JSON list (${why}); write e.g. [1000, 4000], [[1], [1, 2]] or a range 0..4` }
  }
  if (Array.isArray(parsed)) return { value: parsed }
  if (typeof parsed === 'object' && parsed !== null) return { value: parsed as IntegerRange }
  return { value: trimmed, error: `a single value; put the values in a list, e.g. [${trimmed}], or write a range such as 0..4` }
}

/** The text shown for stored values: lists as compact JSON with spaces, ranges as "from..to". */
export function formatAxisValues(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (!Array.isArray(value) && typeof value === 'object') {
    const { from, to, ...rest } = value as Record<string, unknown>
    if (Object.keys(rest).length === 0 && Number.isSafeInteger(from) && Number.isSafeInteger(to)) return `${from as number}..${to as number}`
  }
  return compactJson(value)
}

/** JSON with a space after each list comma: [[1], [1, 2]]. */
function compactJson(value: unknown): string {
  return Array.isArray(value) ? `[${value.map(compactJson).join(', ')}]` : JSON.stringify(value)
}
