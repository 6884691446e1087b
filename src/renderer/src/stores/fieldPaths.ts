/**
 * Paths of experiment fields as the editor and the schema's problems name them:
 * "network.scales[2]" relative to an experiment, "$.experiments[0].network.scales[2]" in a
 * project. Problems are matched to form fields through these.
 */
import type { ProjectProblem } from '../../../shared/api/workbenchApi'

export type PathSegment = string | number

/** "network.scales[2]" -> ["network", "scales", 2] */
export function parseFieldPath(path: string): PathSegment[] {
  const segments: PathSegment[] = []
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (match[1] !== undefined) segments.push(match[1])
    else if (match[2] !== undefined) segments.push(Number(match[2]))
    else segments.push(JSON.parse(`"${match[3]}"`) as string)
  }
  return segments
}

export function getAt(target: unknown, path: string): unknown {
  let current = target
  for (const segment of parseFieldPath(path)) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PathSegment, unknown>)[segment]
  }
  return current
}

/** Sets a value, creating the objects on the way; `undefined` deletes the field. */
export function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = parseFieldPath(path)
  const last = segments.pop()
  if (last === undefined) throw new Error('setAt needs a field path')
  let current: Record<PathSegment, unknown> = target
  for (const segment of segments) {
    const next = current[segment]
    if (next === null || typeof next !== 'object') current[segment] = {}
    current = current[segment] as Record<PathSegment, unknown>
  }
  if (value === undefined && !Array.isArray(current)) delete current[last]
  else current[last] = value
}

/** A problem of one experiment, with its path relative to the experiment ("" for the whole). */
export interface FieldProblem extends ProjectProblem {
  field: string
}

/** "$.experiments[3].network.width" relative to "$.experiments[3]" -> "network.width" */
export function relativeField(path: string, prefix: string): string | null {
  if (path === prefix) return ''
  if (!path.startsWith(prefix)) return null
  const rest = path.slice(prefix.length)
  if (rest.startsWith('.')) return rest.slice(1)
  if (rest.startsWith('[')) return rest
  return null
}

/** Whether a problem at `field` belongs to the form field at `path` (itself or inside it). */
export function belongsTo(field: string, path: string): boolean {
  return field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`)
}

/** "network.scales[2]" -> the editor's test id "field-network.scales[2]" */
export function fieldTestId(path: string): string {
  return `field-${path}`
}
