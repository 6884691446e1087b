// The `mscale` command as a user runs it: the bundled CLI (npm test builds out/node first).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tinyExperiment, writeTinyProject } from '../../helpers/tinyProject'

const ROOT = join(__dirname, '../../..')
const BIN = join(ROOT, 'bin/mscale.mjs')
const mscale = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT })

/** Python with numpy, to check that run arrays load with np.load. */
function pythonWithNumpy(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0) return python
  }
  return undefined
}

describe('mscale command line', () => {
  it('prints help, and refuses an unknown command in one line with exit code 2', () => {
    const help = mscale('help')
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('mscale run <project-dir>')
    const wrong = mscale('frobnicate')
    expect(wrong.status).toBe(2)
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1)
    expect(wrong.stderr).toContain('unknown command "frobnicate"')
  })

  it('coefficients --json: arrays on the requested grid that match the closed form at xi = 0', () => {
    const result = mscale('coefficients', '--scales', '1,2', '--bias', 'false', '--amplitude', 'scale', '--trained', 'a,w', '--dim', '1', '--xi', '0:2:5', '--json')
    expect(result.status).toBe(0)
    const c = JSON.parse(result.stdout)
    expect(c.xi).toEqual([0, 0.5, 1, 1.5, 2])
    for (const key of ['Rre', 'Rim', 'Dre', 'Dim']) expect(c[key]).toHaveLength(5)
    // Spec section 4, bias false (beta = 1): R_im = sum_j (c_j^2/S) G_hat_j, D_im = sum_j (c_j^2/S) alpha_j^2 G_hat_j / (4 pi^2),
    // G_hat_j(0) = sqrt(2 pi) / alpha_j, c_j = alpha_j, S = 2. Exact up to rounding.
    const gHat = (alpha: number) => Math.sqrt(2 * Math.PI) / alpha
    const rim = [1, 2].reduce((sum, a) => sum + (a * a / 2) * gHat(a), 0)
    const dim = [1, 2].reduce((sum, a) => sum + (a * a / 2) * a * a * gHat(a) / (4 * Math.PI ** 2), 0)
    expect(c.Rim[0]).toBeCloseTo(rim, 12)
    expect(c.Dim[0]).toBeCloseTo(dim, 12)
    expect(c.Rre.every((v: number) => v === 0)).toBe(true)
    expect(c.Dre.every((v: number) => v === 0)).toBe(true)
  })

  it('coefficients refuses bad input with a one-line message naming the flag', () => {
    for (const args of [['--scales', '1,x'], ['--scales', '1', '--trained', 'a,q'], ['--scales', '1', '--xi', '4:0:10'], ['--scales', '1', '--trained', 'b']]) {
      const result = mscale('coefficients', ...args)
      expect(result.status, args.join(' ')).toBe(2)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).toMatch(/--(scales|trained|xi)/)
    }
  })

  it('validate: the bundled example is valid; a broken project lists every problem with its JSON path', () => {
    const ok = mscale('validate', join(ROOT, 'resources/examples/spectral-bias.mscale'))
    expect(ok.status).toBe(0)
    expect(ok.stdout).toContain('valid (5 experiments')
    const broken = writeTinyProject([tinyExperiment('a', { network: { width: 3 } }), tinyExperiment('b', { training: { time: -1 } })])
    const result = mscale('validate', broken)
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(/experiments\[0\]\.network\.width/)
    expect(result.stdout).toMatch(/experiments\[1\]\.training\.time/)
  })

  it('run --json: one line per experiment with the documented keys, and a run folder numpy can read', () => {
    const project = writeTinyProject([tinyExperiment('small'), tinyExperiment('small-bias', { network: { bias: true, trained: ['a', 'w', 'b'] } })])
    const result = mscale('run', project, '--json')
    expect(result.status, result.stderr).toBe(0)
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line))
    expect(lines.map((l) => l.id).sort()).toEqual(['small', 'small-bias'])
    for (const line of lines) {
      expect(line).toMatchObject({ status: 'done', backend: 'js-f64' })
      for (const key of ['steps', 'learningRate', 'lambdaMax', 'runDir']) expect(line[key], key).toBeDefined()
      expect(line.learningRate).toBeCloseTo(0.5 / line.lambdaMax, 12)
      expect(line.snapshots.map((s: { t: number }) => s.t)).toHaveLength(3)
      for (const s of line.snapshots) {
        expect(s.errorNorm).toBeGreaterThan(0)
        expect(s.rel.diffusion).toBeGreaterThanOrEqual(0)
        expect(s.rel.ntk).toBeGreaterThanOrEqual(0)
      }
      const record = JSON.parse(readFileSync(join(line.runDir, 'run.json'), 'utf8'))
      expect(record).toMatchObject({ status: 'done', experimentId: line.id, backend: { name: 'js-f64', precision: 'float64' } })
      expect(record.versions.node).toBe(process.versions.node)
      for (const entry of Object.values(record.arrays) as { file: string }[]) expect(existsSync(join(line.runDir, entry.file))).toBe(true)
    }
    const python = pythonWithNumpy()
    if (!python) {
      console.warn('numpy is not installed: skipped loading the .npy files with numpy (apt-get install python3-numpy)')
      return
    }
    const runDir = lines[0].runDir
    const check = spawnSync(python, ['-c', `import numpy as np, json, sys
d = sys.argv[1]; r = json.load(open(d + '/run.json'))
for name, entry in r['arrays'].items():
    a = np.load(d + '/' + entry['file'])
    assert list(a.shape) == entry['shape'], (name, a.shape, entry['shape'])
q = np.load(d + '/train_Q.npy'); xi = np.load(d + '/xi.npy')
print(q.shape[0], xi.shape[0], q.dtype)`, runDir], { encoding: 'utf8' })
    expect(check.status, check.stderr).toBe(0)
    expect(check.stdout.trim()).toBe('3 121 float64')
  })

  it('refuses an unstable learning rate before training, naming the largest stable rate', () => {
    const project = writeTinyProject([tinyExperiment('too-fast', { training: { learningRate: 10 } })])
    const result = mscale('run', project, '--json')
    expect(result.status).toBe(1)
    const line = JSON.parse(result.stdout.trim())
    expect(line.status).toBe('failed')
    expect(line.steps).toBe(0)
    expect(line.message).toMatch(/eta < 2 \/ lambda_max = [0-9.e-]+; use at most/)
  })

  it('stops a diverging run with status "diverged" and advice on the learning rate', () => {
    // tanh has no spectral model, so no stability check guards the rate: 50 makes GD blow up.
    const project = writeTinyProject([tinyExperiment('blow-up', { network: { activation: 'tanh' }, training: { learningRate: 50, time: 500 } })])
    const result = mscale('run', project, '--json')
    expect(result.status).toBe(1)
    const line = JSON.parse(result.stdout.trim())
    expect(line.status).toBe('diverged')
    expect(line.steps).toBeLessThan(10)
    expect(line.message).toMatch(/try a learning rate ten times smaller than 50/)
    expect(JSON.parse(readFileSync(join(line.runDir, 'run.json'), 'utf8')).status).toBe('diverged')
  })

  it('Ctrl+C cancels a running experiment and leaves it marked cancelled', async () => {
    const project = writeTinyProject([tinyExperiment('long', { network: { width: 2000 }, domain: { samples: 401 }, training: { time: 1000 } })])
    const child = spawn(process.execPath, [BIN, 'run', project, '--json'], { cwd: ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => {
      stderr += d
    })
    // Wait until training has started (the run's record says running), then interrupt.
    const runsDir = join(project, 'runs')
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100))
      if (existsSync(runsDir) && /"status": "running"/.test(readRecords(runsDir)) && /"backend"/.test(readRecords(runsDir))) break
    }
    await new Promise((r) => setTimeout(r, 1500)) // let training take some steps (preparation comes first)
    child.kill('SIGINT')
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code, stderr).toBe(1)
    const line = JSON.parse(stdout.trim())
    expect(line.status).toBe('cancelled')
    expect(line.steps).toBeGreaterThan(0)
    expect(JSON.parse(readFileSync(join(line.runDir, 'run.json'), 'utf8')).status).toBe('cancelled')
  })
})

function readRecords(runsDir: string): string {
  return readdirSync(runsDir).map((id) => {
    try {
      return readFileSync(join(runsDir, id, 'run.json'), 'utf8')
    } catch {
      return ''
    }
  }).join('\n')
}
