/**
 * Projects on disk (ARCHITECTURE.md, "Projects on disk"): a folder holding project.json and a
 * runs/ folder. Loading reports every problem with its JSON path (file-level problems, such as a
 * missing file or a JSON syntax error with its line and column, have the path "$"); saving is
 * atomic and keeps the fields this version does not know.
 */
import { mkdir, readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { PROJECT_FORMAT, PROJECT_VERSION } from '../../shared/project/experimentTypes'
import type { Experiment, Project } from '../../shared/project/experimentTypes'
import { formatProblem, parseProject } from '../../shared/project/projectSchema'
import type { ParseProjectResult, ProjectProblem } from '../../shared/project/projectSchema'
import { writeFileAtomic } from './atomicWrite'
import { CsvTargetError, loadCsvTarget } from './csvTarget'

export const PROJECT_FILE_NAME = 'project.json'
export const RUNS_FOLDER_NAME = 'runs'

export type LoadProjectResult = ParseProjectResult

/** Thrown by saveProject and createProject when the project would not load again. */
export class ProjectValidationError extends Error {
  constructor(readonly problems: ProjectProblem[]) {
    super(`the project is not valid:\n${problems.map(formatProblem).join('\n')}`)
    this.name = 'ProjectValidationError'
  }
}

/** Reads and validates <dir>/project.json, and checks the CSV targets it names. */
export async function loadProject(dir: string): Promise<LoadProjectResult> {
  const fail = (message: string): LoadProjectResult => ({ ok: false, problems: [{ path: '$', message }] })
  try {
    if (!(await stat(dir)).isDirectory()) return fail(`${dir} is not a folder; a project is a folder holding ${PROJECT_FILE_NAME}`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fail(`the project folder ${dir} does not exist`)
    return fail(`the project folder ${dir} cannot be read (${(error as Error).message})`)
  }
  const file = join(dir, PROJECT_FILE_NAME)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fail(`${dir} holds no ${PROJECT_FILE_NAME}, so it is not a workbench project`)
    return fail(`${file} cannot be read (${(error as Error).message})`)
  }
  const json = parseJsonText(text, file)
  if (!json.ok) return { ok: false, problems: json.problems }

  const parsed = parseProject(json.value)
  if (!parsed.ok) return parsed
  const problems: ProjectProblem[] = []
  for (const [index, experiment] of parsed.project.experiments.entries()) {
    const csv = experiment.target.csv
    if (csv === undefined) continue
    const path = `$.experiments[${index}].target.csv`
    try {
      const target = await loadCsvTarget(resolve(dir, csv), experiment.domain.dim)
      const coverage = target.coverageProblem(experiment.domain.halfWidth)
      if (coverage) problems.push({ path, message: coverage })
    } catch (error) {
      if (!(error instanceof CsvTargetError)) throw error
      problems.push({ path, message: error.message })
    }
  }
  if (problems.length > 0) return { ok: false, problems, warnings: parsed.warnings }
  return parsed
}

/**
 * Validates `project` and writes it to <dir>/project.json atomically, as pretty JSON with a final
 * newline, defaults filled in and unknown fields kept where they were. Creates `dir` if needed.
 * Throws ProjectValidationError (listing every problem) rather than write a file that would not load.
 */
export async function saveProject(dir: string, project: Project): Promise<void> {
  const parsed = parseProject(project)
  if (!parsed.ok) throw new ProjectValidationError(parsed.problems)
  await mkdir(dir, { recursive: true })
  await writeFileAtomic(join(dir, PROJECT_FILE_NAME), `${JSON.stringify(parsed.project, null, 2)}\n`)
}

/**
 * Creates a project folder (with its runs/ folder) holding a new project.json, and returns the
 * project as it will load. Refuses a folder that already holds a project.
 */
export async function createProject(dir: string, name: string, experiments: Experiment[] = []): Promise<Project> {
  const file = join(dir, PROJECT_FILE_NAME)
  const exists = await stat(file).then(() => true, () => false)
  if (exists) throw new Error(`${dir} already holds a project (${PROJECT_FILE_NAME}); open it instead`)
  const parsed = parseProject({ format: PROJECT_FORMAT, version: PROJECT_VERSION, name, experiments })
  if (!parsed.ok) throw new ProjectValidationError(parsed.problems)
  await mkdir(join(dir, RUNS_FOLDER_NAME), { recursive: true })
  await saveProject(dir, parsed.project)
  return parsed.project
}

// ---------------------------------------------------------------------------------------------
// JSON text with positions

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; problems: ProjectProblem[] }

/**
 * JSON.parse, with the errors people need: a syntax error gives its line and column
 * ("not valid JSON at line 3, column 5 (file:3:5): expected ',' or '}' after a property value"),
 * and a key given twice in one object is a problem at its JSON path, because JSON.parse would
 * silently keep only the last value. A leading byte-order mark is ignored.
 */
export function parseJsonText(text: string, fileLabel: string): JsonTextResult {
  const source = text.replace(/^\uFEFF/, '')
  let value: unknown
  try {
    value = JSON.parse(source)
  } catch (error) {
    const located = scanJson(source).error
    if (!located) return { ok: false, problems: [{ path: '$', message: `${fileLabel} is not valid JSON: ${(error as Error).message}` }] }
    const { line, column } = lineAndColumn(source, located.offset)
    return {
      ok: false,
      problems: [{ path: '$', message: `not valid JSON at line ${line}, column ${column} (${fileLabel}:${line}:${column}): ${located.message}` }],
    }
  }
  const duplicates = scanJson(source).duplicates
  if (duplicates.length > 0) {
    return {
      ok: false,
      problems: duplicates.map(({ path, key, line, column }) => ({
        path,
        message: `the key ${JSON.stringify(key)} is given twice in one object (again at ${fileLabel}:${line}:${column}); ` +
          'JSON keeps only the last value, so remove one of them',
      })),
    }
  }
  return { ok: true, value }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

interface JsonScan {
  error?: { offset: number; message: string }
  duplicates: { path: string; key: string; line: number; column: number }[]
}

/** A JSON reader that only checks syntax, tracking offsets and JSON paths (RFC 8259 grammar). */
function scanJson(text: string): JsonScan {
  const duplicates: JsonScan['duplicates'] = []
  let i = 0
  class ScanError extends Error {
    constructor(readonly offset: number, message: string) {
      super(message)
    }
  }
  const describe = (offset: number): string => (offset >= text.length ? 'the end of the file' : JSON.stringify(text[offset]))
  const skipBlanks = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++
  }
  const readString = (): string => {
    const start = i
    i++
    for (;;) {
      if (i >= text.length) throw new ScanError(start, 'this string is never closed (a \'"\' is missing)')
      const c = text[i]
      if (c === '"') break
      if (c === '\\') {
        const escape = text[i + 1]
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new ScanError(i, 'a "\\u" escape needs 4 hexadecimal digits')
          i += 6
          continue
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) throw new ScanError(i, `invalid escape "\\${escape ?? ''}" in a string`)
        i += 2
        continue
      }
      if (c < ' ') throw new ScanError(i, 'a line break or control character inside a string (write \\n instead)')
      i++
    }
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const readValue = (path: string): void => {
    skipBlanks()
    const c = text[i]
    if (c === '{') {
      i++
      skipBlanks()
      if (text[i] === '}') {
        i++
        return
      }
      const keys = new Set<string>()
      for (;;) {
        skipBlanks()
        if (text[i] !== '"') {
          const hint = text[i] === '}' ? ' (JSON allows no comma before "}")' : ''
          throw new ScanError(i, `expected a property name in double quotes, found ${describe(i)}${hint}`)
        }
        const keyOffset = i
        const key = readString()
        const keyPath = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`
        if (keys.has(key)) duplicates.push({ path: keyPath, key, ...lineAndColumn(text, keyOffset) })
        keys.add(key)
        skipBlanks()
        if (text[i] !== ':') throw new ScanError(i, `expected ':' after the property name, found ${describe(i)}`)
        i++
        readValue(keyPath)
        skipBlanks()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          return
        }
        throw new ScanError(i, `expected ',' or '}' after a property value, found ${describe(i)}`)
      }
    }
    if (c === '[') {
      i++
      skipBlanks()
      if (text[i] === ']') {
        i++
        return
      }
      for (let index = 0; ; index++) {
        skipBlanks()
        if (text[i] === ']') throw new ScanError(i, 'expected a value, found "]" (JSON allows no comma before "]")')
        readValue(`${path}[${index}]`)
        skipBlanks()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === ']') {
          i++
          return
        }
        throw new ScanError(i, `expected ',' or ']' after a list item, found ${describe(i)}`)
      }
    }
    if (c === '"') {
      readString()
      return
    }
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
    number.lastIndex = i
    if (number.test(text) && number.lastIndex > i) {
      i = number.lastIndex
      return
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length
        return
      }
    }
    const hint = c === "'" ? ' (JSON strings use double quotes)' : c === '/' ? ' (JSON allows no comments)' : ''
    throw new ScanError(i, `expected a value, found ${describe(i)}${hint}`)
  }
  try {
    readValue('$')
    skipBlanks()
    if (i < text.length) throw new ScanError(i, `unexpected ${describe(i)} after the end of the JSON value`)
    return { duplicates }
  } catch (error) {
    if (error instanceof ScanError) return { error: { offset: error.offset, message: error.message }, duplicates }
    return { duplicates } // e.g. nesting too deep for the scanner; JSON.parse's own message is used
  }
}
