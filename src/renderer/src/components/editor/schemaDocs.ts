/**
 * What the schema says about a field (its doc and what it accepts), for the editor's labels and
 * tooltips: the same table that validates project.json (projectSchema.ts), so the words agree.
 */
import { describeField, EXPERIMENT_SCHEMA, type FieldSchema } from '../../../../shared/project/projectSchema'
import { parseFieldPath } from '../../stores/fieldPaths'

export function fieldSchemaAt(path: string): FieldSchema | undefined {
  let field: FieldSchema | undefined = EXPERIMENT_SCHEMA
  for (const segment of parseFieldPath(path)) {
    if (!field || field.kind !== 'object' || typeof segment !== 'string') return undefined
    field = field.fields[segment]
  }
  return field
}

/** "Width m (number of neurons); ... Accepts an integer >= 1. Default: 1." */
export function fieldTooltip(path: string): string {
  const field = fieldSchemaAt(path)
  if (!field) return ''
  const accepts = field.kind === 'object' ? '' : ` Accepts ${describeField(field)}.`
  const fallback = field.default !== undefined ? ` Default: ${JSON.stringify(field.default)}.` : ''
  return `${field.doc}${accepts}${fallback}`
}

/** The default of a field as placeholder text ('' when it has none). */
export function fieldDefaultText(path: string): string {
  const value = fieldSchemaAt(path)?.default
  if (value === undefined) return ''
  return Array.isArray(value) ? value.join(', ') : String(value)
}

/** The values a choice field accepts. */
export function choicesOf(path: string): readonly string[] {
  const field = fieldSchemaAt(path)
  return field && (field.kind === 'choice' || field.kind === 'choices') ? field.values : []
}
