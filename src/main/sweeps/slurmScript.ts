/**
 * The Slurm path of a sweep (issue 4, "Cluster"): an sbatch job-array script with one array task
 * per point, task K running `mscale sweep run-point <project> --sweep ID --index K`. Each task
 * writes only its own run folder, so the project folder must be on a file system that every node
 * shares; `mscale sweep status` and `mscale sweep run` (which reruns what is missing) pick the
 * results up from the run.json files.
 */

export interface SlurmScriptOptions {
  /** absolute project folder, as the compute nodes see it */
  projectDir: string
  sweepId: string
  /** number of points of the sweep: the array is 0..points-1 */
  points: number
  /** the point ids in index order, listed in the script so that a changed sweep is noticed */
  pointIds?: readonly string[]
  /** the command that starts mscale on a node, e.g. "node /opt/mscale/bin/mscale.mjs" (used verbatim) */
  mscale: string
  partition?: string
  /** wall-clock limit per task, HH:MM:SS (or D-HH:MM:SS) */
  time?: string
  /** GPUs per task */
  gpus?: number
  /** CPUs per task; default 1 (the CPU engines are single-threaded per run) */
  cpusPerTask?: number
  /** at most this many tasks at once (the "%N" array throttle) */
  maxParallel?: number
  /** where Slurm writes each task's stdout and stderr; %A = job id, %a = task index */
  logDir: string
  /** a backend for every point, e.g. tfjs-node-gpu with --gpus */
  backend?: string
}

const TIME_PATTERN = /^(\d+-)?\d{1,3}:\d{2}:\d{2}$/
const PARTITION_PATTERN = /^[A-Za-z0-9_.,-]+$/

/** Checks the options a user types; returns the problems as readable lines (empty: fine). */
export function slurmOptionProblems(options: Pick<SlurmScriptOptions, 'partition' | 'time' | 'gpus' | 'maxParallel' | 'points'>): string[] {
  const problems: string[] = []
  if (options.points < 1) problems.push('the sweep has no points')
  if (options.partition !== undefined && !PARTITION_PATTERN.test(options.partition)) problems.push(`--partition: expected a partition name such as gpu (got "${options.partition}")`)
  if (options.time !== undefined && !TIME_PATTERN.test(options.time)) problems.push(`--time: expected HH:MM:SS or D-HH:MM:SS such as 02:00:00 (got "${options.time}")`)
  if (options.gpus !== undefined && !(Number.isInteger(options.gpus) && options.gpus >= 0)) problems.push(`--gpus: expected a non-negative integer (got ${options.gpus})`)
  if (options.maxParallel !== undefined && !(Number.isInteger(options.maxParallel) && options.maxParallel >= 1)) problems.push(`--max-parallel: expected a positive integer (got ${options.maxParallel})`)
  return problems
}

/** A word quoted for the shell: 'it'\''s' (single quotes, each ' closed, escaped and reopened). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

/** The sbatch script text (bash). Throws when an option is invalid. */
export function slurmArrayScript(options: SlurmScriptOptions): string {
  const problems = slurmOptionProblems(options)
  if (problems.length > 0) throw new Error(problems.join('; '))
  const n = options.points
  const array = `0-${n - 1}${options.maxParallel !== undefined ? `%${options.maxParallel}` : ''}`
  const directives = [
    `#SBATCH --job-name=${shellQuote(`mscale-${options.sweepId}`)}`,
    `#SBATCH --array=${array}`,
    ...(options.partition !== undefined ? [`#SBATCH --partition=${options.partition}`] : []),
    ...(options.time !== undefined ? [`#SBATCH --time=${options.time}`] : []),
    ...(options.gpus !== undefined && options.gpus > 0 ? [`#SBATCH --gpus=${options.gpus}`] : []),
    `#SBATCH --ntasks=1`,
    `#SBATCH --cpus-per-task=${options.cpusPerTask ?? 1}`,
    `#SBATCH --output=${shellQuote(`${options.logDir}/slurm-%A_%a.out`)}`,
  ]
  const backend = options.backend !== undefined ? ` --backend ${shellQuote(options.backend)}` : ''
  const ids = options.pointIds ? ['#', '# Points (array index: point id):', ...options.pointIds.map((id, k) => `#   ${k}: ${id}`)] : []
  return [
    '#!/bin/bash',
    ...directives,
    '#',
    `# Sweep "${options.sweepId}" of the MscaleDNN Spectral Workbench project ${options.projectDir}:`,
    `# ${n} point${n === 1 ? '' : 's'}, one array task each. Submit with: sbatch <this file>`,
    '#',
    '# Shared file system: every task writes its own run folder under the project\'s runs/ folder,',
    '# so the project folder must be on a file system shared by the submit host and all compute',
    '# nodes (the same path everywhere), and mscale must be installed at the same path on the nodes.',
    '# Read the results with `mscale sweep status <project> --sweep ID`; `mscale sweep run` on one',
    '# machine reruns whatever the cluster left unfinished. A task whose point already finished',
    '# exits at once, so the whole array may be resubmitted after a failure.',
    '# Do not change the sweep in project.json between export and the end of the job: the array',
    '# index selects the point by its position.',
    ...ids,
    '',
    'set -euo pipefail',
    `exec ${options.mscale} sweep run-point ${shellQuote(options.projectDir)} --sweep ${shellQuote(options.sweepId)} --index "$SLURM_ARRAY_TASK_ID" --points ${n}${backend}`,
    '',
  ].join('\n')
}
