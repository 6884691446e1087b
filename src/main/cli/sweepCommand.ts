// mscale sweep run | run-point | status | table | export-slurm (issue 4: sweeps headless and on Slurm).
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { TRAINING_BACKENDS, type BackendChoice } from '../../shared/project/experimentTypes'
import { findPackageRoot } from '../runs/packageRoot'
import { slurmArrayScript, slurmOptionProblems, shellQuote } from '../sweeps/slurmScript'
import { SweepDefinitionError, loadSweep } from '../sweeps/sweepDefinition'
import type { SweepProgress } from '../../shared/api/workbenchApi'
import { readSweepStatus, runSweep, runSweepPoint, type SweepPointEvent } from '../sweeps/sweepRunner'
import { countStatuses, isFinished, sweepDir, type SweepPointState } from '../sweeps/sweepState'
import { sweepTableColumns, sweepTableCsv } from '../../shared/sweep/sweepTableColumns'
import { findValidSweep, readSweepCatalog } from '../sweeps/sweepCatalog'
import { buildSweepTable, decayQueryProblems, defaultDecayQuery } from '../sweeps/sweepTable'
import { parseCommandLine, parseNumber, parseNumberList, UsageError } from './commandLine'
import type { CommandIo } from './runCommand'

export const SWEEP_USAGE = `mscale sweep run <project-dir> --sweep ID [--workers N] [--backend NAME] [--json]
    Runs or resumes a sweep of project.json: finished points are never recomputed, interrupted
    ones run again; a failing point is recorded and the others go on. Ctrl-C pauses (run again
    to resume). --workers: parallel runs (default: cores - 1; 1 for tfjs-node-gpu)
    --json: one JSON object per point and line
mscale sweep run-point <project-dir> --sweep ID --index K [--points N] [--backend NAME] [--json]
    Runs point K (0-based) alone, e.g. as a Slurm array task; --points: refuse unless the sweep
    has N points (the count the script was exported for)
mscale sweep status <project-dir> --sweep ID [--json]
    Per-point status from the run.json files (no arrays read)
mscale sweep table <project-dir> --sweep ID [--frequencies 0.5,1,2] [--threshold 0.01] [--csv FILE | --json]
    The results table from the run.json files: parameters, status, final error, rel of each model
    at the base's snapshots, the time the error at each frequency (default band/4, band/2, band)
    falls to threshold x its start (0.5, 0.1, 0.01 or 0.001; default 0.01), wall time.
    --csv: write it as CSV (never reached: Inf); --json: one object (no value or never reached: null)
mscale sweep export-slurm <project-dir> --sweep ID [--partition P] [--time HH:MM:SS] [--gpus N]
        [--max-parallel N] [--backend NAME] [--mscale CMD] [--out FILE]
    Writes an sbatch job-array script (default <project>/sweeps/ID/sweep.sbatch), one task per point`

const OPTIONS = {
  sweep: { type: 'string' }, workers: { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' },
  index: { type: 'string' }, points: { type: 'string' }, partition: { type: 'string' }, time: { type: 'string' },
  gpus: { type: 'string' }, 'max-parallel': { type: 'string' }, mscale: { type: 'string' }, out: { type: 'string' },
  frequencies: { type: 'string' }, threshold: { type: 'string' }, csv: { type: 'string' },
} as const

const ALLOWED: Record<string, readonly string[]> = {
  run: ['sweep', 'workers', 'backend', 'json'],
  'run-point': ['sweep', 'index', 'points', 'backend', 'json'],
  status: ['sweep', 'json'],
  table: ['sweep', 'frequencies', 'threshold', 'csv', 'json'],
  'export-slurm': ['sweep', 'partition', 'time', 'gpus', 'max-parallel', 'backend', 'mscale', 'out'],
}

/** mscale sweep: exit 0 when every point of the sweep (or the one point) finished done, 1 otherwise. */
export async function sweepCommand(args: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = args
  if (sub === undefined || !Object.hasOwn(ALLOWED, sub)) {
    throw new UsageError(`sweep: expected a subcommand: ${Object.keys(ALLOWED).join(', ')}${sub === undefined ? '' : ` (got "${sub}")`}`)
  }
  const { values, positionals } = parseCommandLine(rest, OPTIONS, `sweep ${sub}`)
  const given = Object.keys(values).filter((key) => !ALLOWED[sub].includes(key))
  if (given.length > 0) throw new UsageError(`sweep ${sub}: --${given[0]} does not apply here (see mscale help)`)
  if (positionals.length !== 1) throw new UsageError(`sweep ${sub}: expected exactly one argument, the project folder`)
  if (values.sweep === undefined) throw new UsageError(`sweep ${sub}: --sweep ID is required`)
  const projectDir = resolve(positionals[0])
  const backend = values.backend as BackendChoice | undefined
  if (backend !== undefined && backend !== 'auto' && !(TRAINING_BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(`--backend: expected auto or one of ${TRAINING_BACKENDS.join(', ')} (got "${backend}")`)
  }
  try {
    switch (sub) {
      case 'run':
        return await sweepRun(projectDir, values.sweep, values, backend, io)
      case 'run-point':
        return await sweepRunPoint(projectDir, values.sweep, values, backend, io)
      case 'status':
        return await sweepStatus(projectDir, values.sweep, values.json === true, io)
      case 'table':
        return await sweepTable(projectDir, values.sweep, values, io)
      default:
        return await exportSlurm(projectDir, values.sweep, values, io)
    }
  } catch (error) {
    if (!(error instanceof SweepDefinitionError)) throw error
    io.print(error.message)
    return 1
  }
}

async function sweepRun(projectDir: string, sweepId: string, values: { workers?: string; json?: boolean }, backend: BackendChoice | undefined, io: CommandIo): Promise<number> {
  const workers = values.workers === undefined ? undefined : parseNumber(values.workers, '--workers', 1)
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new UsageError(`--workers: expected a positive integer (got ${values.workers})`)
  const controller = new AbortController()
  const pause = () => {
    io.status('pausing: cancelling the runs under way (run the sweep again to resume)...')
    controller.abort()
  }
  process.once('SIGINT', pause)
  try {
    const { state, cancelled } = await runSweep({
      projectDir, sweepId, workers, backend, signal: controller.signal,
      onPoint: (event) => io.print(values.json ? JSON.stringify(pointJsonLine(event)) : pointLine(event)),
      onProgress: (progress) => io.status(progressText(progress)),
    })
    io.status('')
    const counts = countStatuses(state.points)
    if (!values.json) {
      io.print(`sweep ${sweepId}: ${counts.done} done, ${counts.diverged} diverged, ${counts.failed} failed, ${counts.pending + counts.running} not finished, of ${state.points.length}${cancelled ? ' (paused: run again to resume)' : ''}`)
    }
    return counts.done === state.points.length ? 0 : 1
  } finally {
    process.off('SIGINT', pause)
  }
}

async function sweepRunPoint(projectDir: string, sweepId: string, values: { index?: string; points?: string; json?: boolean }, backend: BackendChoice | undefined, io: CommandIo): Promise<number> {
  if (values.index === undefined) throw new UsageError('sweep run-point: --index K is required')
  const index = parseNumber(values.index, '--index', 0)
  if (!Number.isInteger(index) || index < 0) throw new UsageError(`--index: expected a non-negative integer (got ${values.index})`)
  if (values.points !== undefined) {
    const expected = parseNumber(values.points, '--points', 0)
    const { points } = await loadSweep(projectDir, sweepId)
    if (points.length !== expected) {
      io.print(`sweep "${sweepId}" now has ${points.length} points, not ${expected} as when its Slurm script was exported: export the script again`)
      return 1
    }
  }
  const event = await runSweepPoint({ projectDir, sweepId, index, backend })
  io.print(values.json ? JSON.stringify(pointJsonLine(event)) : pointLine(event))
  return event.status === 'done' ? 0 : 1
}

async function sweepStatus(projectDir: string, sweepId: string, json: boolean, io: CommandIo): Promise<number> {
  const { state, points } = await readSweepStatus(projectDir, sweepId)
  if (json) {
    for (const entry of state.points) io.print(JSON.stringify(statusJsonLine(entry, points[entry.index].params)))
  } else {
    const width = Math.max(5, ...state.points.map((p) => p.pointId.length))
    io.print(`${'index'.padStart(5)}  ${'point'.padEnd(width)}  ${'status'.padEnd(8)}  ${'||e(T)||/||e(0)||'.padStart(17)}  ${'wall s'.padStart(8)}  run`)
    for (const p of state.points) {
      const error = p.finalErrorNorm !== undefined ? p.finalErrorNorm.toPrecision(4) : '-'
      const wall = p.wallSeconds !== undefined ? p.wallSeconds.toFixed(1) : '-'
      io.print(`${String(p.index).padStart(5)}  ${p.pointId.padEnd(width)}  ${p.status.padEnd(8)}  ${error.padStart(17)}  ${wall.padStart(8)}  ${p.runId ?? '-'}`)
    }
    const counts = countStatuses(state.points)
    io.print(`${counts.done} done, ${counts.diverged} diverged, ${counts.failed} failed, ${counts.running} running, ${counts.pending} pending, of ${state.points.length}`)
  }
  return state.points.every((p) => p.status === 'done') ? 0 : 1
}

async function sweepTable(projectDir: string, sweepId: string, values: { frequencies?: string; threshold?: string; csv?: string; json?: boolean }, io: CommandIo): Promise<number> {
  if (values.csv !== undefined && values.json) throw new UsageError('sweep table: give --csv FILE or --json, not both')
  const sweep = findValidSweep(await readSweepCatalog(projectDir), sweepId, projectDir)
  const defaults = defaultDecayQuery(sweep.baseExperiment)
  const query = {
    frequencies: values.frequencies === undefined ? defaults.frequencies : parseNumberList(values.frequencies, '--frequencies'),
    threshold: values.threshold === undefined ? defaults.threshold : parseNumber(values.threshold, '--threshold', defaults.threshold),
  }
  const problems = decayQueryProblems(query)
  if (problems.length > 0) throw new UsageError(`sweep table: ${problems.join('; ').replaceAll('decay.frequencies', '--frequencies').replaceAll('decay.threshold', '--threshold')}`)
  const table = await buildSweepTable(projectDir, sweep, query)
  if (values.json) {
    io.print(JSON.stringify(table))
  } else if (values.csv !== undefined) {
    const file = resolve(values.csv)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, sweepTableCsv(table))
    io.print(`wrote ${file}: ${table.rows.length} rows`)
  } else {
    const columns = sweepTableColumns(table).filter((c) => c.key !== 'runId' && c.key !== 'message')
    const cells = [columns.map((c) => c.label), ...table.rows.map((row) => columns.map((c) => textCell(c.value(row))))]
    const widths = columns.map((_, k) => Math.max(...cells.map((line) => line[k].length)))
    for (const line of cells) io.print(line.map((cell, k) => (k <= 1 + table.axes.length ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ').trimEnd())
    const counts = countStatuses(table.rows)
    io.print(`${counts.done} done, ${counts.diverged} diverged, ${counts.failed} failed, ${counts.running} running, ${counts.pending} pending, of ${table.rows.length}; decay: first t with |u^(xi,t)| <= ${table.decay.threshold} |u^(xi,0)| at the run's nearest xi ("never": not during the run)`)
  }
  return 0
}

function textCell(value: number | string | null): string {
  if (value === null) return '-'
  if (typeof value === 'string') return value
  if (Number.isNaN(value)) return '-'
  if (!Number.isFinite(value)) return 'never'
  return Number.isInteger(value) ? String(value) : value.toPrecision(4)
}

async function exportSlurm(projectDir: string, sweepId: string, values: { partition?: string; time?: string; gpus?: string; 'max-parallel'?: string; backend?: string; mscale?: string; out?: string }, io: CommandIo): Promise<number> {
  const gpus = values.gpus === undefined ? undefined : parseNumber(values.gpus, '--gpus', 0)
  const maxParallel = values['max-parallel'] === undefined ? undefined : parseNumber(values['max-parallel'], '--max-parallel', 1)
  const { sweep, points } = await loadSweep(projectDir, sweepId)
  const problems = slurmOptionProblems({ partition: values.partition, time: values.time, gpus, maxParallel, points: points.length })
  if (problems.length > 0) throw new UsageError(`sweep export-slurm: ${problems.join('; ')}`)
  const mscale = values.mscale ?? `${shellQuote(process.execPath)} ${shellQuote(join(findPackageRoot(), 'bin/mscale.mjs'))}`
  const out = resolve(values.out ?? join(sweepDir(projectDir, sweep.id), 'sweep.sbatch'))
  const script = slurmArrayScript({
    projectDir, sweepId: sweep.id, points: points.length, pointIds: points.map((p) => p.id), mscale,
    partition: values.partition, time: values.time, gpus, maxParallel, backend: values.backend, logDir: sweepDir(projectDir, sweep.id),
  })
  await mkdir(dirname(out), { recursive: true })
  await mkdir(sweepDir(projectDir, sweep.id), { recursive: true })
  await writeFile(out, script, { mode: 0o755 })
  io.print(`wrote ${out}: ${points.length} array tasks; submit with: sbatch ${shellQuote(out)}`)
  io.print('the project folder must be on a file system shared by all nodes; read the results with mscale sweep status')
  return 0
}

function pointJsonLine(event: SweepPointEvent) {
  return {
    ...statusJsonLine(event, event.params), reused: event.reused, cancelled: event.cancelled,
    progress: { finished: event.progress.finished, total: event.progress.total, etaSeconds: Number.isFinite(event.progress.etaSeconds) ? event.progress.etaSeconds : null },
  }
}

function statusJsonLine(entry: SweepPointState, params: Record<string, unknown>) {
  return {
    index: entry.index, pointId: entry.pointId, status: entry.status, params,
    runId: entry.runId ?? null, runDir: entry.runDir ?? null, message: entry.message ?? null,
    finalErrorNorm: entry.finalErrorNorm ?? null, wallSeconds: entry.wallSeconds ?? null,
  }
}

function pointLine(event: SweepPointEvent): string {
  const p = event.progress
  const what = event.reused ? `${event.status} (finished before)` : event.cancelled ? 'cancelled (pending)' : event.status
  const error = event.finalErrorNorm !== undefined ? ` ||e(T)||/||e(0)||=${event.finalErrorNorm.toPrecision(3)}` : ''
  const wall = event.wallSeconds !== undefined && !event.reused ? ` ${event.wallSeconds.toFixed(1)}s` : ''
  const message = isFinished(event.status) && event.status !== 'done' && event.message ? ` — ${event.message}` : ''
  return `[${p.finished}/${p.total}] ${event.pointId}: ${what}${error}${wall}${message}${event.reused ? '' : etaText(p)}`
}

function etaText(p: SweepProgress): string {
  return Number.isFinite(p.etaSeconds) && p.finished < p.total ? ` ETA ${Math.ceil(p.etaSeconds)}s` : ''
}

function progressText(p: SweepProgress): string {
  return `sweep: ${p.finished}/${p.total} finished (${p.failed + p.diverged} failed or diverged), ${p.running} running${etaText(p)}`
}
