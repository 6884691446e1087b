/**
 * JSON indented by two spaces like JSON.stringify(value, null, 2), except that an array of numbers,
 * strings, booleans or nulls goes on one line: run.json holds long number arrays (metrics, decay
 * times), and one element per line makes it twice as large and slow to read for tables of many
 * runs, with nothing gained for a person reading it. Parses back to exactly what JSON.stringify
 * would give (same number formatting, NaN -> null).
 */
export function compactJson(value: unknown, indent = ''): string {
  const json = JSON.stringify(value)
  if (json === undefined || value === null || typeof value !== 'object') return json ?? 'null'
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    if (value.every((item) => item === null || typeof item !== 'object')) return json
    return `[\n${value.map((item) => `${inner}${item === undefined || typeof item === 'function' ? 'null' : compactJson(item, inner)}`).join(',\n')}\n${indent}]`
  }
  const toJson = (value as { toJSON?: () => unknown }).toJSON
  if (typeof toJson === 'function') return compactJson(toJson.call(value), indent)
  const entries = Object.entries(value).filter(([, item]) => item !== undefined && typeof item !== 'function')
  if (entries.length === 0) return '{}'
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${compactJson(item, inner)}`).join(',\n')}\n${indent}}`
}
