// The sbatch job-array script of a sweep: its directives and the command each array task runs.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { shellQuote, slurmArrayScript } from '../../../src/main/sweeps/slurmScript'

const base = { projectDir: '/shared/study.mscale', sweepId: 'scales-width', points: 8, mscale: 'node /opt/mscale/bin/mscale.mjs', logDir: '/shared/study.mscale/sweeps/scales-width' }

describe('slurmArrayScript', () => {
  it('writes one array task per point with the requested partition, time and GPUs, each running run-point with its index', () => {
    const script = slurmArrayScript({ ...base, partition: 'gpu', time: '02:30:00', gpus: 1, pointIds: ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'] })
    const lines = script.split('\n')
    expect(lines[0]).toBe('#!/bin/bash')
    expect(lines).toContain('#SBATCH --array=0-7')
    expect(lines).toContain('#SBATCH --partition=gpu')
    expect(lines).toContain('#SBATCH --time=02:30:00')
    expect(lines).toContain('#SBATCH --gpus=1')
    expect(lines).toContain('#SBATCH --output=/shared/study.mscale/sweeps/scales-width/slurm-%A_%a.out')
    // sbatch reads directives only before the first command
    const firstCommand = lines.findIndex((line) => line !== '' && !line.startsWith('#'))
    expect(lines.slice(firstCommand).some((line) => line.startsWith('#SBATCH'))).toBe(false)
    expect(lines).toContain('exec node /opt/mscale/bin/mscale.mjs sweep run-point /shared/study.mscale --sweep scales-width --index "$SLURM_ARRAY_TASK_ID" --points 8')
    expect(script).toMatch(/shared by the submit host and all compute\n# nodes/)
    expect(lines).toContain('#   7: p7')
  })

  it('leaves out the directives not asked for, adds a throttle, and refuses malformed options', () => {
    const script = slurmArrayScript({ ...base, points: 1, maxParallel: 4 })
    expect(script).toContain('#SBATCH --array=0-0%4\n')
    expect(script).not.toMatch(/--partition|--time|--gpus/)
    expect(() => slurmArrayScript({ ...base, time: '2h' })).toThrow(/--time: expected HH:MM:SS/)
    expect(() => slurmArrayScript({ ...base, partition: 'gpu; rm -rf /' })).toThrow(/--partition/)
    expect(() => slurmArrayScript({ ...base, points: 0 })).toThrow(/no points/)
  })

  it('quotes paths for the shell so that bash reads them back unchanged', () => {
    const odd = "/shared/Jane's study/a b.mscale"
    const echoed = spawnSync('bash', ['-c', `printf '%s' ${shellQuote(odd)}`], { encoding: 'utf8' })
    expect(echoed.stdout).toBe(odd)
    const script = slurmArrayScript({ ...base, projectDir: odd })
    expect(script).toContain(`run-point '/shared/Jane'\\''s study/a b.mscale' --sweep`)
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0)
  })
})
