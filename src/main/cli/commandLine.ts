import { parseArgs, type ParseArgsConfig } from 'node:util'

/** A usage mistake: printed as one line with a hint, exit code 2. */
export class UsageError extends Error {}

/** parseArgs with strict options, turning its errors into one-line usage errors. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0]} (see mscale help)`)
  }
}

/** "1,2,4" -> [1, 2, 4], refusing anything that is not a finite number. */
export function parseNumberList(text: string, flag: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()))
  if (text.trim() === '' || values.some((value) => !Number.isFinite(value))) {
    throw new UsageError(`${flag}: expected comma-separated numbers such as 1,2,4 (got "${text}")`)
  }
  return values
}

export function parseNumber(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isFinite(value)) throw new UsageError(`${flag}: expected a number (got "${text}")`)
  return value
}

export function parseBoolean(text: string | undefined, flag: string, fallback: boolean): boolean {
  if (text === undefined) return fallback
  if (text === 'true' || text === 'false') return text === 'true'
  throw new UsageError(`${flag}: expected true or false (got "${text}")`)
}

/** "start:stop:count" -> count evenly spaced values from start to stop inclusive. */
export function parseRange(text: string, flag: string): Float64Array {
  const parts = text.split(':').map(Number)
  const [start, stop, count] = parts
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v)) || !Number.isInteger(count) || count < 2 || stop <= start) {
    throw new UsageError(`${flag}: expected start:stop:count with start < stop and an integer count >= 2, such as 0:4:401 (got "${text}")`)
  }
  return Float64Array.from({ length: count }, (_, k) => start + ((stop - start) * k) / (count - 1))
}
