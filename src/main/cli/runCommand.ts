import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { TRAINING_BACKENDS, type BackendChoice } from '../../shared/project/experimentTypes'
import type { RunProgress } from '../../shared/api/workbenchApi'
import { loadProject } from '../project/projectStore'
import type { RunRecord } from '../../shared/study/runRecord'
import { RunService } from '../services/runService'
import { parseCommandLine, parseNumber, UsageError } from './commandLine'
import { formatRunTable, runJsonLine, formatSpectralBiasSummary } from './resultTable'

export const RUN_USAGE = `mscale run <project-dir> [--experiment ID] [--backend NAME] [--jobs N] [--json]
    Trains each experiment (or the one named), solves the diffusion model and the NTK prediction,
    compares them frequency by frequency, and stores every run under <project-dir>/runs/.
    --backend: auto (default: the experiment's), ${TRAINING_BACKENDS.join(', ')}
    --jobs: runs in parallel (default: one per core)   --json: one JSON object per experiment and line`

export interface CommandIo {
  print(line: string): void
  status(text: string): void
}

/** Options shared by `mscale run` and `mscale example`. */
export const RUN_OPTIONS = {
  experiment: { type: 'string' }, backend: { type: 'string' }, jobs: { type: 'string' }, json: { type: 'boolean' },
} as const

export type RunOptionValues = { experiment?: string; backend?: string; jobs?: string; json?: boolean }

/** mscale run: exit 0 when every run finished, 1 when any failed, diverged or was cancelled. */
export async function runCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, RUN_OPTIONS, 'run')
  if (positionals.length !== 1) throw new UsageError('run: expected exactly one argument, the project folder')
  return runProject(resolve(positionals[0]), values, io)
}

/** Runs the selected experiments of a project and prints their tables or JSON lines. */
export async function runProject(projectDir: string, values: RunOptionValues, io: CommandIo): Promise<number> {
  const backend = values.backend as BackendChoice | undefined
  if (backend !== undefined && backend !== 'auto' && !(TRAINING_BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(`--backend: expected auto or one of ${TRAINING_BACKENDS.join(', ')} (got "${backend}")`)
  }
  const loaded = await loadProject(projectDir)
  if (!loaded.ok) {
    io.print(`${projectDir} is not a valid project:`)
    for (const problem of loaded.problems) io.print(`  ${problem.path}: ${problem.message}`)
    return 1
  }
  const experiments = values.experiment === undefined ? loaded.project.experiments : loaded.project.experiments.filter((e) => e.id === values.experiment)
  if (experiments.length === 0) {
    const known = loaded.project.experiments.map((e) => e.id).join(', ') || 'none'
    throw new UsageError(values.experiment === undefined ? 'run: the project has no experiments' : `--experiment: no experiment "${values.experiment}" (experiments: ${known})`)
  }
  const jobs = parseNumber(values.jobs, '--jobs', Math.min(availableParallelism(), experiments.length))
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs: expected a positive integer (got ${values.jobs})`)

  const progress = new Map<string, RunProgress>()
  const service = new RunService({
    concurrency: jobs,
    events: {
      progress: (p) => {
        progress.set(p.runId, p)
        io.status(formatProgress([...progress.values()]))
      },
      finished: (f) => progress.delete(f.runId),
    },
  })
  const started = await Promise.all(experiments.map((e) => service.start({ projectDir, experimentId: e.id, backend })))
  const cancelAll = () => {
    io.status('cancelling...')
    for (const { runId } of started) void service.cancel({ runId }).catch(() => undefined)
  }
  process.once('SIGINT', cancelAll)
  const records: RunRecord[] = []
  try {
    await Promise.all(started.map(async ({ runId, runDir }) => {
      const record = await service.waitFor(runId)
      records.push(record)
      if (values.json) io.print(JSON.stringify(runJsonLine(record, runDir)))
    }))
  } finally {
    process.off('SIGINT', cancelAll)
    io.status('')
    await service.dispose()
  }
  const ordered = started.map(({ runId }) => records.find((r) => r.runId === runId)!)
  if (!values.json) {
    for (const record of ordered) io.print(formatRunTable(record))
    const summary = formatSpectralBiasSummary(ordered)
    if (summary) io.print(summary)
  }
  return ordered.every((r) => r.status === 'done') ? 0 : 1
}

function formatProgress(runs: RunProgress[]): string {
  return runs
    .map((p) => {
      if (p.phase !== 'training') return `${p.experimentId}: ${p.phase}`
      const percent = p.totalSteps > 0 ? Math.floor((100 * p.step) / p.totalSteps) : 0
      const eta = Number.isFinite(p.etaSeconds) ? ` ETA ${Math.ceil(p.etaSeconds)}s` : ''
      return `${p.experimentId}: ${percent}% t=${p.time.toPrecision(3)} loss=${p.loss.toPrecision(3)}${eta}`
    })
    .join(' | ')
}
