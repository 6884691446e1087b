// Benchmark (not a test): training steps per second of every available backend next to PyTorch CPU
// on the same workload in the same run, the spectral solver and NTK prediction times, and the peak
// memory of a full N = 1000, m = 10000 run. Run with `npm run bench` (add `-- --json` for one JSON object).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NetworkSpec } from '../src/shared/project/experimentTypes'
import { samplePoints } from '../src/shared/study/samplePoints'
import { spectralSetupOf } from '../src/shared/study/spectralSetupOf'
import { initialParameters } from '../src/shared/network/initialParameters'
import type { TrainingEngine, TrainingProblem } from '../src/shared/network/trainingEngine'
import { createF64Trainer } from '../src/shared/network/gradientDescentF64'
import { loadTfjsBackend, type TfjsBackend } from '../src/main/compute/engines/tfjsBackends'
import { createTfjsTrainer } from '../src/main/compute/engines/tfjsEngine'
import { ntkKernelMatrix } from '../src/shared/spectral/ntkKernel'
import { createNtkPrediction } from '../src/shared/spectral/ntkPrediction'
import { diffusionCoefficients } from '../src/shared/spectral/diffusionCoefficients'
import { createDiffusionSolver1d } from '../src/shared/spectral/diffusionSolver1d'
import { uniformFrequencyGrid } from '../src/shared/spectral/frequencyGrid'
import { findPackageRoot } from '../src/main/runs/packageRoot'

const json = process.argv.includes('--json')
const log = (line: string) => { if (!json) console.log(line) }
const root = findPackageRoot()
const SCALES = [1, 2, 4, 8]
const LEARNING_RATE = 1e-5
const WORKLOADS = [{ N: 801, m: 4000 }, { N: 1000, m: 10000 }]

const median = (values: number[]) => [...values].sort((p, q) => p - q)[Math.floor(values.length / 2)]

function problemOf(N: number): TrainingProblem {
  const set = samplePoints({ dim: 1, halfWidth: 4, samples: N, sampling: 'grid', seed: 0 })
  const target = set.points.map((x) => (1 - (x / 4) ** 2) ** 4 * (Math.sin(x) + 0.8 * Math.sin(4 * x) + 0.6 * Math.sin(9 * x)))
  return { dim: 1, points: set.points, weights: set.weights, target, uniformGrid: set.uniformGrid }
}

function networkOf(m: number): NetworkSpec {
  return { scales: SCALES, width: m, activation: 'sin', bias: false, amplitude: 'scale', trained: ['a', 'w'], init: 'zero-output', sigmaA: 1, sigmaW: 1, sigmaB: 1, seed: 0 }
}

/** Median ms per step over repeats chosen to fill about `budgetMs`, after two warm-up steps. */
async function timeSteps(engine: TrainingEngine, budgetMs: number): Promise<{ msPerStep: number; repeats: number }> {
  for (let i = 0; i < 2; i++) await engine.step(LEARNING_RATE, 1)
  await engine.loss()
  const first = performance.now()
  await engine.step(LEARNING_RATE, 1)
  await engine.loss()
  const estimate = performance.now() - first
  const repeats = Math.max(3, Math.min(50, Math.floor(budgetMs / Math.max(estimate, 1e-3))))
  const times: number[] = []
  for (let r = 0; r < repeats; r++) {
    const start = performance.now()
    await engine.step(LEARNING_RATE, 1)
    await engine.loss() // forces asynchronous backends to finish the step
    times.push(performance.now() - start)
  }
  return { msPerStep: median(times), repeats }
}

function pythonWithTorch(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' })
    if (probe.status === 0) return python
  }
  return undefined
}

interface EngineResult { engine: string; msPerStep?: number; ratioToPytorch?: number; note?: string }

async function main() {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.versions.node}`
  log(`Machine: ${machine}`)
  const python = pythonWithTorch()
  const results: { workload: string; pytorch?: { msPerStep: number; threads: number; torch: string }; engines: EngineResult[] }[] = []

  for (const { N, m } of WORKLOADS) {
    const label = `N=${N}, m=${m}, scales {${SCALES.join(',')}}, grid, a and w trained`
    log(`\nWorkload ${label}`)
    const entry: (typeof results)[number] = { workload: label, engines: [] }
    if (python) {
      const threads = Math.min(2, availableParallelism())
      const out = execFileSync(python, [join(root, 'bench/pytorchPeer.py'), String(N), String(m), SCALES.join(','), '10', String(threads)], { encoding: 'utf8' })
      const peer = JSON.parse(out.trim().split('\n').pop()!)
      entry.pytorch = { msPerStep: peer.msPerStep, threads, torch: peer.torch }
      log(`  ${'PyTorch CPU ' + peer.torch + ' (float32, ' + threads + ' threads)'}`.padEnd(52) + `${peer.msPerStep.toFixed(2).padStart(10)} ms/step   1.00x`)
    } else {
      log('  PyTorch CPU: not available (install Debian python3-torch); no ratios')
    }
    const problem = problemOf(N)
    const network = networkOf(m)
    const params = initialParameters(network, 1)
    const report = (engine: string, msPerStep: number) => {
      const ratio = entry.pytorch ? entry.pytorch.msPerStep / msPerStep : undefined
      entry.engines.push({ engine, msPerStep, ratioToPytorch: ratio })
      log(`  ${engine}`.padEnd(52) + `${msPerStep.toFixed(2).padStart(10)} ms/step   ${ratio === undefined ? '' : ratio.toFixed(2) + 'x'}`)
    }
    const f64 = createF64Trainer(problem, network, params)
    report('js-f64 (float64, 1 thread, grid recurrence)', (await timeSteps(f64, 3000)).msPerStep)
    f64.dispose()
    const random = samplePoints({ dim: 1, halfWidth: 4, samples: N, sampling: 'random', seed: 0 })
    const f64Random = createF64Trainer({ ...problem, points: random.points, weights: random.weights, uniformGrid: undefined }, network, params)
    report('js-f64 (float64, 1 thread, random samples)', (await timeSteps(f64Random, 3000)).msPerStep)
    f64Random.dispose()
    for (const backend of ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as TfjsBackend[]) {
      try {
        const loaded = await loadTfjsBackend(backend)
        const engine = await createTfjsTrainer(loaded.tf, loaded.backend, problem, network, params)
        report(`tfjs ${backend} (float32)`, (await timeSteps(engine, 4000)).msPerStep)
        engine.dispose()
      } catch (error) {
        const note = (error as Error).message.split('\n')[0].slice(0, 160)
        entry.engines.push({ engine: `tfjs ${backend}`, note })
        log(`  tfjs ${backend}: unavailable (${note})`)
      }
    }
    results.push(entry)
  }

  // Spectral models: diffusion solver on an 801-point grid with 100 snapshots; NTK prediction N = 801.
  const xi = uniformFrequencyGrid(4, 801)
  const setup = spectralSetupOf(networkOf(4000), 1)
  let start = performance.now()
  const c = diffusionCoefficients(setup, xi)
  const solver = createDiffusionSolver1d({ xi, diffusion: c.Dim, reaction: c.Rim, originCondition: 'dirichlet' })
  const built = performance.now()
  const initial = xi.map((v) => Math.exp(-v * v) * Math.sin(3 * v))
  for (let s = 0; s < 100; s++) solver.evolve(initial, s * 0.02)
  const solverTimes = { buildSeconds: (built - start) / 1000, snapshotsSeconds: (performance.now() - built) / 1000 }
  log(`\nDiffusion solver, 801-point grid: build (coefficients + eigendecomposition) ${solverTimes.buildSeconds.toFixed(2)} s, 100 snapshots ${solverTimes.snapshotsSeconds.toFixed(3)} s`)
  const set = samplePoints({ dim: 1, halfWidth: 4, samples: 801, sampling: 'grid', seed: 0 })
  start = performance.now()
  const ntk = createNtkPrediction(ntkKernelMatrix(setup, set.points), set.weights)
  const ntkBuilt = performance.now()
  const u0 = set.points.map((x) => Math.sin(3 * x))
  for (let s = 0; s < 100; s++) ntk.gradientDescent(u0, 1e-4, s * 100)
  const ntkTimes = { buildSeconds: (ntkBuilt - start) / 1000, snapshotsSeconds: (performance.now() - ntkBuilt) / 1000 }
  log(`NTK prediction, N=801: kernel + eigendecomposition ${ntkTimes.buildSeconds.toFixed(2)} s, 100 snapshots ${ntkTimes.snapshotsSeconds.toFixed(3)} s`)

  const memory = peakMemoryOfRun()
  log(memory.peakMiB === undefined ? `\nPeak memory: not measured (${memory.note})` : `\nPeak memory of a full run (N=1000, m=10000, ${memory.steps} steps, training + analysis, CLI process): ${memory.peakMiB.toFixed(0)} MiB`)
  if (json) console.log(JSON.stringify({ machine, workloads: results, solver: solverTimes, ntkPrediction: ntkTimes, memory }))
}

/** Runs `mscale run` on a temporary N = 1000, m = 10000 project and reads the process's peak RSS. */
function peakMemoryOfRun(): { peakMiB?: number; steps?: number; note?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mscale-bench-'))
  try {
    const project = join(dir, 'memory.mscale')
    mkdirSync(project)
    const steps = 50
    writeFileSync(join(project, 'project.json'), JSON.stringify({
      format: 'mscale-workbench/project', version: 1, name: 'memory probe',
      experiments: [{
        id: 'memory', target: { expr: '(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x)+0.6*sin(9*x))' },
        domain: { dim: 1, halfWidth: 4, samples: 1000, sampling: 'grid' },
        network: { ...networkOf(10000) },
        training: { learningRate: 1e-4, time: steps * 1e-4, snapshots: [0, steps * 5e-5], backend: 'js-f64' },
        analysis: { xiMax: 4, xiPoints: 401, band: 2.5, models: ['diffusion', 'ntk'] },
      }],
    }))
    const run = spawnSync(process.execPath, ['--import', join(root, 'bench/reportPeakMemory.mjs'), join(root, 'bin/mscale.mjs'), 'run', project, '--json'], { encoding: 'utf8' })
    const match = /PEAK_RSS_KIB (\d+)/.exec(run.stderr)
    if (run.status !== 0 || !match) return { note: `the run failed: ${run.stdout}${run.stderr}`.slice(0, 300) }
    return { peakMiB: Number(match[1]) / 1024, steps }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
