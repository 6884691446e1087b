// A sweep on a real single-node Slurm (issue 4, Cluster): Debian's slurmctld, slurmd and munge,
// started by test/slurm/singleNodeSlurm.sh without systemd or cgroups. The exported sbatch job
// array runs `mscale sweep run-point` per task; `mscale sweep status` then reads the results.
// Needs root (the daemons) and the packages (.ci/run installs them); elsewhere it skips and says why.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyExperiment, writeTinyProject } from '../helpers/tinyProject'

const ROOT = join(__dirname, '../..')
const BIN = join(ROOT, 'bin/mscale.mjs')
const CLUSTER = join(__dirname, 'singleNodeSlurm.sh')
const BASE = '/tmp/mscale-slurm-test'
const mscale = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT })
const cluster = (action: 'up' | 'down') => spawnSync('bash', [CLUSTER, action], { encoding: 'utf8', env: { ...process.env, SLURM_TEST_BASE: BASE } })

function skipReason(): string | null {
  if (process.platform !== 'linux') return 'Slurm runs on Linux only'
  if (process.getuid?.() !== 0) return 'starting slurmctld, slurmd and munged needs root (CI runs as root)'
  const missing = ['slurmctld', 'slurmd', 'sbatch', 'munged'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
  if (missing.length > 0) return `${missing.join(', ')} not installed: apt-get install slurmctld slurmd slurm-client munge (as .ci/run does)`
  return null
}

const reason = skipReason()
if (reason) console.warn(`[slurm] SKIPPED: ${reason}`)

describe.skipIf(reason !== null)(`sweep on a real single-node Slurm${reason ? ` (skipped: ${reason})` : ''}`, () => {
  beforeAll(() => {
    cluster('down')
    const up = cluster('up')
    if (up.status !== 0) throw new Error(`the single-node Slurm did not start:\n${up.stdout}${up.stderr}`)
  }, 120_000)
  afterAll(() => {
    cluster('down')
  }, 60_000)

  it('runs an exported job array, one task per point, and status picks the results up', async () => {
    const dir = writeTinyProject([tinyExperiment('base')], {
      sweeps: [{ id: 'seeds', base: 'base', mode: 'grid', axes: [{ path: 'network.seed', values: { from: 0, to: 2 } }, { path: 'network.scales', values: [[1], [1, 2]] }] }],
    })
    const script = join(dir, 'sweep.sbatch')
    const exported = mscale('sweep', 'export-slurm', dir, '--sweep', 'seeds', '--partition', 'debug', '--time', '00:10:00', '--out', script)
    expect(exported.status, exported.stderr).toBe(0)
    expect(readFileSync(script, 'utf8')).toMatch(/#SBATCH --array=0-5\b/)

    const submitted = spawnSync('sbatch', ['--parsable', script], { encoding: 'utf8', cwd: dir })
    expect(submitted.status, submitted.stderr).toBe(0)
    const jobId = submitted.stdout.trim().split(';')[0]
    // Wait until no task of the array is queued or running (squeue lists none).
    const deadline = Date.now() + 180_000
    for (;;) {
      const queued = spawnSync('squeue', ['-h', '-j', jobId], { encoding: 'utf8' }).stdout.trim()
      if (queued === '') break
      if (Date.now() > deadline) throw new Error(`job array ${jobId} still queued or running after 3 minutes:\n${queued}`)
      await new Promise((r) => setTimeout(r, 500))
    }
    const tasks = spawnSync('scontrol', ['show', 'job', jobId], { encoding: 'utf8' }).stdout
    expect(tasks.match(/JobState=COMPLETED/g)?.length, tasks).toBe(6)

    const status = mscale('sweep', 'status', dir, '--sweep', 'seeds', '--json')
    expect(status.status, status.stdout + status.stderr).toBe(0)
    const points = status.stdout.trim().split('\n').map((line) => JSON.parse(line))
    expect(points).toHaveLength(6)
    for (const point of points) {
      expect(point.status).toBe('done')
      const record = JSON.parse(readFileSync(join(dir, 'runs', point.runId, 'run.json'), 'utf8'))
      expect(record.sweep).toMatchObject({ id: 'seeds', pointId: point.pointId, index: point.index })
    }
    // Each task wrote its log where the script says.
    expect(existsSync(join(dir, 'sweeps', 'seeds'))).toBe(true)
  }, 240_000)
})
