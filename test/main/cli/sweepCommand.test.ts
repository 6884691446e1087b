// `mscale sweep` as a user (or a Slurm array task) runs it: the bundled CLI through bin/mscale.mjs.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../src/shared/study/runRecord'
import { tinyExperiment, writeTinyProject } from '../../helpers/tinyProject'

const ROOT = join(__dirname, '../../..')
const BIN = join(ROOT, 'bin/mscale.mjs')
const mscale = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT })
const jsonLines = (text: string) => text.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
const runsOf = (dir: string) => readdirSync(join(dir, 'runs')).filter((runId) => existsSync(join(dir, 'runs', runId, 'run.json'))).map((runId) => ({ runId, record: JSON.parse(readFileSync(join(dir, 'runs', runId, 'run.json'), 'utf8')) as RunRecord }))

/** 2 x 2 fast points (N = 101, m = 100, T = 0.5); learning rate 1000 is refused before training (far above 2 / lambda_max). */
const lrSweepProject = () => writeTinyProject([tinyExperiment('base')], {
  sweeps: [{ id: 'lr', base: 'base', mode: 'grid', axes: [{ path: 'training.learningRate', values: ['auto', 1000] }, { path: 'network.seed', values: [0, 1] }] }],
})

describe('mscale sweep', () => {
  it('run resumes after SIGKILL without recomputing a finished point, and completes the sweep', async () => {
    // m = 200 and T = 300: about a second per point here, so the kill lands while point 1 runs.
    const dir = writeTinyProject([tinyExperiment('base', { network: { width: 200 }, training: { time: 300 } })], {
      sweeps: [{ id: 'seeds', base: 'base', mode: 'grid', axes: [{ path: 'network.seed', values: { from: 0, to: 2 } }] }],
    })
    const child = spawn(process.execPath, [BIN, 'sweep', 'run', dir, '--sweep', 'seeds', '--workers', '1', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
    const first = await new Promise<{ pointId: string; runId: string; status: string }>((resolve, reject) => {
      let buffered = ''
      let reported = false
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString()
        const line = buffered.split('\n').find((l) => l.startsWith('{'))
        if (line && !reported) {
          reported = true
          // kill while point 1 runs: once its run.json exists (it is written before training starts)
          const poll = setInterval(() => {
            if (runsOf(dir).length < 2) return
            clearInterval(poll)
            child.kill('SIGKILL')
            resolve(JSON.parse(line))
          }, 10)
        }
      })
      child.on('exit', () => reject(new Error('the sweep ended before it could be killed during point 1')))
    })
    await new Promise((resolve) => child.once('exit', resolve))
    expect(first).toMatchObject({ pointId: 'base__seed-0', status: 'done', reused: false })
    const before = runsOf(dir)
    const stale = before.filter((r) => r.record.status === 'running' || r.record.status === 'queued')
    expect(stale.length).toBeGreaterThan(0) // the kill interrupted a run, or this test checks nothing about stale runs

    const status = mscale('sweep', 'status', dir, '--sweep', 'seeds', '--json')
    expect(jsonLines(status.stdout).map((p) => p.status)).toEqual(['done', 'running', 'pending'])
    expect(existsSync(join(dir, 'sweeps/seeds/run.lock'))).toBe(true) // left by the killed process

    const resumed = mscale('sweep', 'run', dir, '--sweep', 'seeds', '--workers', '1', '--json')
    expect(resumed.status).toBe(0)
    const lines = jsonLines(resumed.stdout)
    expect(lines[0]).toMatchObject({ pointId: 'base__seed-0', reused: true, runId: first.runId })
    expect(lines.slice(1).map((p) => [p.pointId, p.status, p.reused])).toEqual([['base__seed-1', 'done', false], ['base__seed-2', 'done', false]])
    const after = runsOf(dir)
    // point 0 keeps its single run folder; the stale runs are marked interrupted, never finished
    expect(after.filter((r) => r.record.sweep?.pointId === 'base__seed-0').map((r) => r.runId)).toEqual([first.runId])
    for (const s of stale) expect(after.find((r) => r.runId === s.runId)?.record).toMatchObject({ status: 'cancelled', message: expect.stringMatching(/interrupted/) })
    expect(after).toHaveLength(3 + stale.length)
    expect(existsSync(join(dir, 'sweeps/seeds/run.lock'))).toBe(false)
  }, 30_000)

  it('run records failing points and finishes the others; status reads run.json only', () => {
    const dir = lrSweepProject()
    const run = mscale('sweep', 'run', dir, '--sweep', 'lr', '--workers', '2')
    expect(run.status).toBe(1) // not every point is done
    expect(run.stdout).toMatch(/sweep lr: 2 done, 0 diverged, 2 failed, 0 not finished, of 4/)
    expect(run.stdout).toMatch(/failed — learning rate 1000 is not stable/)
    const status = jsonLines(mscale('sweep', 'status', dir, '--sweep', 'lr', '--json').stdout)
    expect(status.map((p) => [p.params['training.learningRate'], p.status])).toEqual([['auto', 'done'], ['auto', 'done'], [1000, 'failed'], [1000, 'failed']])
    for (const p of status.filter((s) => s.status === 'done')) expect(p.finalErrorNorm).toBeGreaterThan(0)
    // without any array file (and without state.json) the status is the same: it reads run.json alone
    for (const { runId } of runsOf(dir)) {
      for (const file of readdirSync(join(dir, 'runs', runId))) if (file.endsWith('.npy')) rmSync(join(dir, 'runs', runId, file))
    }
    rmSync(join(dir, 'sweeps/lr/state.json'))
    expect(jsonLines(mscale('sweep', 'status', dir, '--sweep', 'lr', '--json').stdout)).toEqual(status)
    const table = mscale('sweep', 'status', dir, '--sweep', 'lr')
    expect(table.stdout).toMatch(/2 done, 0 diverged, 2 failed, 0 running, 0 pending, of 4/)
  }, 30_000)

  it('run-point runs the point of an array index, and refuses when the sweep no longer has the exported count', () => {
    const dir = lrSweepProject()
    const one = mscale('sweep', 'run-point', dir, '--sweep', 'lr', '--index', '1', '--points', '4', '--json')
    expect(one.status).toBe(0)
    expect(jsonLines(one.stdout)[0]).toMatchObject({ index: 1, pointId: expect.stringContaining('seed-1'), status: 'done' })
    const changed = mscale('sweep', 'run-point', dir, '--sweep', 'lr', '--index', '1', '--points', '5')
    expect(changed.status).toBe(1)
    expect(changed.stdout).toMatch(/now has 4 points, not 5/)
    expect(runsOf(dir)).toHaveLength(1)
  }, 30_000)

  it('export-slurm writes an sbatch job-array script over the sweep points', () => {
    const dir = lrSweepProject()
    const result = mscale('sweep', 'export-slurm', dir, '--sweep', 'lr', '--partition', 'gpu', '--time', '01:00:00', '--gpus', '1')
    expect(result.status).toBe(0)
    const file = join(dir, 'sweeps/lr/sweep.sbatch')
    expect(result.stdout).toContain(`wrote ${file}: 4 array tasks`)
    const script = readFileSync(file, 'utf8')
    expect(script).toContain('#SBATCH --array=0-3\n')
    expect(script).toContain('#SBATCH --partition=gpu\n#SBATCH --time=01:00:00\n#SBATCH --gpus=1\n')
    expect(script).toContain(`${BIN} sweep run-point ${dir} --sweep lr --index "$SLURM_ARRAY_TASK_ID" --points 4`)
    expect(script).toMatch(/file system shared/)
    expect(statSync(file).mode & 0o111).not.toBe(0)
    // the task command the script runs works as written, with the index Slurm would set
    const command = script.split('\n').find((line) => line.startsWith('exec '))!.slice('exec '.length)
    const task = spawnSync('bash', ['-c', command], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, SLURM_ARRAY_TASK_ID: '2' } })
    expect(task.stdout).toMatch(/learning rate 1000 is not stable/)
    expect(runsOf(dir).map((r) => r.record.sweep?.index)).toEqual([2])
  }, 30_000)

  it('refuses usage mistakes in one line with exit code 2, and an unknown sweep with exit code 1', () => {
    const dir = lrSweepProject()
    for (const args of [['sweep'], ['sweep', 'run', dir], ['sweep', 'status', dir, '--sweep', 'lr', '--workers', '2'], ['sweep', 'export-slurm', dir, '--sweep', 'lr', '--time', '2h']]) {
      const result = mscale(...args)
      expect(result.status).toBe(2)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
    }
    const unknown = mscale('sweep', 'status', dir, '--sweep', 'nope')
    expect(unknown.status).toBe(1)
    expect(unknown.stdout).toMatch(/no sweep "nope".*\(sweeps: lr\)/)
  })
})
