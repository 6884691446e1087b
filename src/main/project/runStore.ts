/**
 * The run folders of a project (ARCHITECTURE.md, "Projects on disk"):
 *
 *   <project>/runs/<run-id>/run.json   the run record: config snapshot, status, metrics, backend, ...
 *   <project>/runs/<run-id>/*.npy      its arrays, readable with numpy's np.load
 *
 * Run ids read "<experiment-id>-<yyyymmdd>-<hhmmss>-<4 hex digits>" (UTC), so that they sort by
 * experiment and then by start time, and a random suffix keeps two runs in the same second apart.
 * This module stores records; what a record holds is the business of the run service.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { EXPERIMENT_ID_PATTERN } from '../../shared/project/projectSchema'
import { compactJson } from '../../shared/study/compactJson'
import { writeFileAtomic } from './atomicWrite'
import { writeNpy } from './npyFile'
import type { NpyData } from './npyFile'
import { parseJsonText, RUNS_FOLDER_NAME } from './projectStore'

export const RUN_RECORD_FILE_NAME = 'run.json'

/** Names of run arrays: they become file names, so letters, digits, ".", "_" and "-" only. */
const ARRAY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

export interface RunListing {
  runId: string
  runDir: string
  /** the parsed run.json, a JSON object; what it holds is the run service's business */
  record: object
}

export interface UnreadableRun {
  runId: string
  runDir: string
  message: string
}

/** "scales-1248-20261204-153000-a1b2": the experiment id, the UTC date and time, a random suffix. */
export function newRunId(experimentId: string, now: Date): string {
  if (!EXPERIMENT_ID_PATTERN.test(experimentId)) {
    throw new Error(`experiment id ${JSON.stringify(experimentId)} cannot name a run folder: use letters, digits, ".", "_" or "-"`)
  }
  const two = (value: number): string => String(value).padStart(2, '0')
  const date = `${now.getUTCFullYear()}${two(now.getUTCMonth() + 1)}${two(now.getUTCDate())}`
  const time = `${two(now.getUTCHours())}${two(now.getUTCMinutes())}${two(now.getUTCSeconds())}`
  return `${experimentId}-${date}-${time}-${randomBytes(2).toString('hex')}`
}

/** Creates a new, empty run folder <projectDir>/runs/<run-id>/ for an experiment. */
export async function createRunFolder(projectDir: string, experimentId: string, now = new Date()): Promise<{ runId: string; runDir: string }> {
  const runsDir = join(projectDir, RUNS_FOLDER_NAME)
  await mkdir(runsDir, { recursive: true })
  // The suffix has 65536 values; a few tries make a clash within one second vanishingly unlikely.
  for (let attempt = 0; attempt < 16; attempt++) {
    const runId = newRunId(experimentId, now)
    const runDir = join(runsDir, runId)
    try {
      await mkdir(runDir)
      return { runId, runDir }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  throw new Error(`could not find a free run id for ${experimentId} in ${runsDir}`)
}

/** Writes the run record (run.json) atomically as pretty JSON. */
export async function writeRunRecord(runDir: string, record: object): Promise<void> {
  // number arrays on one line: half the size, and tables of many runs read it faster
  await writeFileAtomic(join(runDir, RUN_RECORD_FILE_NAME), `${compactJson(record)}\n`)
}

/** Writes one run array as <runDir>/<name>.npy (".npy" is added when missing); see writeNpy. */
export async function writeRunArray(runDir: string, name: string, data: NpyData, shape: readonly number[]): Promise<string> {
  const fileName = name.endsWith('.npy') ? name : `${name}.npy`
  if (!ARRAY_NAME_PATTERN.test(fileName)) {
    throw new Error(`run array name ${JSON.stringify(name)} is not filename-safe: use letters, digits, ".", "_" or "-"`)
  }
  const path = join(runDir, fileName)
  await writeNpy(path, data, shape)
  return path
}

/** Reads <runDir>/run.json; throws an Error saying which file and what is wrong. */
export async function readRunRecord(runDir: string): Promise<object> {
  const file = join(runDir, RUN_RECORD_FILE_NAME)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new Error(code === 'ENOENT' ? `${file} does not exist` : `${file} cannot be read (${(error as Error).message})`)
  }
  const parsed = parseJsonText(text, file)
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('; '))
  const value = parsed.value
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file} must hold a JSON object`)
  return value
}

/**
 * The runs of a project, sorted by run id, reading only each run.json. Folders whose record is
 * missing or unreadable (a run still starting, a crash, a hand edit) are skipped and reported
 * to `onUnreadable` with the reason.
 */
export async function listRuns(projectDir: string, onUnreadable?: (run: UnreadableRun) => void): Promise<RunListing[]> {
  const runsDir = join(projectDir, RUNS_FOLDER_NAME)
  let entries
  try {
    entries = await readdir(runsDir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const runIds = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort()
  const runs: RunListing[] = []
  for (const runId of runIds) {
    const runDir = join(runsDir, runId)
    try {
      runs.push({ runId, runDir, record: await readRunRecord(runDir) })
    } catch (error) {
      onUnreadable?.({ runId, runDir, message: (error as Error).message })
    }
  }
  return runs
}
