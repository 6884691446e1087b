// Benchmark (not a test): ms per training step of every backend next to PyTorch CPU on the same
// workload in the same run (js-f64 on 1 and 2 threads, tfjs wasm and cpu, tfjs-node(-gpu) where
// installed), the 2-vs-1-thread speedup, the peak memory of a whole N = 10^4, m = 10^5 run, the
// diffusion solver, and the NTK prediction (bench/ntkBenchmark.ts). Run with `npm run bench`
// (a table) or `npm run bench -- --json` (one JSON object on stdout). All times are medians of
// repeated timed steps after warm-up steps; the whole bench takes a few minutes.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NetworkSpec } from '../src/shared/project/experimentTypes'
import { samplePoints } from '../src/shared/study/samplePoints'
import { spectralSetupOf } from '../src/shared/study/spectralSetupOf'
import { initialParameters } from '../src/shared/network/initialParameters'
import type { TrainingEngine, TrainingProblem } from '../src/shared/network/trainingEngine'
import { loadTfjsBackend, type TfjsBackend } from '../src/main/compute/engines/tfjsBackends'
import { createTfjsTrainer } from '../src/main/compute/engines/tfjsEngine'
import { createThreadedF64Trainer } from '../src/main/compute/engines/threadedF64Engine'
import { diffusionCoefficients } from '../src/shared/spectral/diffusionCoefficients'
import { createDiffusionSolver1d } from '../src/shared/spectral/diffusionSolver1d'
import { uniformFrequencyGrid } from '../src/shared/spectral/frequencyGrid'
import { findPackageRoot } from '../src/main/runs/packageRoot'
import { benchmarkNtkPrediction, ntkFigureLines } from './ntkBenchmark'

const json = process.argv.includes('--json')
const log = (line: string) => { if (!json) console.log(line) }
const root = findPackageRoot()
const SCALES = [1, 2, 4, 8]
const LEARNING_RATE = 1e-5
const PYTORCH_THREADS = Math.min(2, availableParallelism())
const WORKLOADS: { N: number; m: number; sampling: 'grid' | 'random' }[] = [
  { N: 1000, m: 10000, sampling: 'grid' },
  { N: 1000, m: 10000, sampling: 'random' },
  { N: 801, m: 4000, sampling: 'grid' },
]
/** NTK prediction sample counts (bench/ntkBenchmark.ts). */
const NTK_SAMPLE_COUNTS = [801, 2000, 4000]

const median = (values: number[]) => [...values].sort((p, q) => p - q)[Math.floor(values.length / 2)]

function problemOf(N: number, sampling: 'grid' | 'random'): TrainingProblem {
  const set = samplePoints({ dim: 1, halfWidth: 4, samples: N, sampling, seed: 0 })
  const target = set.points.map((x) => (1 - (x / 4) ** 2) ** 4 * (Math.sin(x) + 0.8 * Math.sin(4 * x) + 0.6 * Math.sin(9 * x)))
  return { dim: 1, points: set.points, weights: set.weights, target, uniformGrid: set.uniformGrid }
}

function networkOf(m: number): NetworkSpec {
  return { scales: SCALES, width: m, activation: 'sin', bias: false, amplitude: 'scale', trained: ['a', 'w'], init: 'zero-output', sigmaA: 1, sigmaW: 1, sigmaB: 1, seed: 0 }
}

/**
 * Median ms per step: each timed sample is one step followed by reading the parameters (which
 * makes asynchronous backends finish the step without an extra forward pass). Warm-up steps
 * first; the repeats fill about `budgetMs` (at least 3, at most 30).
 */
async function timeSteps(engine: TrainingEngine, budgetMs: number, warmup = 2): Promise<{ msPerStep: number; repeats: number }> {
  const once = async () => {
    const start = performance.now()
    await engine.step(LEARNING_RATE, 1)
    await engine.parameters()
    return performance.now() - start
  }
  let estimate = Number.POSITIVE_INFINITY
  for (let i = 0; i < warmup; i++) estimate = await once()
  const repeats = Math.max(3, Math.min(30, Math.floor(budgetMs / Math.max(estimate, 1e-3))))
  const times: number[] = []
  for (let r = 0; r < repeats; r++) times.push(await once())
  return { msPerStep: median(times), repeats }
}

function pythonWithTorch(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' })
    if (probe.status === 0) return python
  }
  return undefined
}

interface EngineResult {
  engine: string
  threads?: number
  msPerStep?: number
  repeats?: number
  /** PyTorch ms per step / this engine's: the step-rate ratio (> 1: faster than PyTorch) */
  ratioToPytorch?: number
  /** why the engine was not measured */
  unavailable?: string
}

interface WorkloadResult {
  workload: string
  N: number
  m: number
  sampling: 'grid' | 'random'
  scales: number[]
  pytorch: { msPerStep: number; threads: number; torch: string } | { unavailable: string }
  engines: EngineResult[]
  /** js-f64 ms per step on 1 thread / on 2 threads */
  threadSpeedup?: number
}

async function benchmarkWorkload(python: string | undefined, N: number, m: number, sampling: 'grid' | 'random'): Promise<WorkloadResult> {
  const workload = `${sampling === 'grid' ? 'uniform grid' : 'random samples'}, N=${N}, m=${m}, scales {${SCALES.join(',')}}, sine, a and w trained`
  log(`\nWorkload: ${workload}`)
  const result: WorkloadResult = { workload, N, m, sampling, scales: SCALES, pytorch: { unavailable: 'python3 with torch not found (Debian: apt-get install python3-torch)' }, engines: [] }
  const row = (label: string, ms: number | undefined, ratio: number | undefined, note = '') =>
    log(`  ${label.padEnd(46)}${ms === undefined ? ''.padStart(12) : ms.toFixed(2).padStart(12)}${ratio === undefined ? ''.padStart(12) : (ratio.toFixed(2) + 'x').padStart(12)}  ${note}`)
  log(`  ${'engine'.padEnd(46)}${'ms/step'.padStart(12)}${'vs PyTorch'.padStart(12)}`)
  if (python) {
    const out = execFileSync(python, [join(root, 'bench/pytorchPeer.py'), String(N), String(m), SCALES.join(','), '10', String(PYTORCH_THREADS), sampling], { encoding: 'utf8' })
    const peer = JSON.parse(out.trim().split('\n').pop()!)
    result.pytorch = { msPerStep: peer.msPerStep, threads: PYTORCH_THREADS, torch: peer.torch }
    row(`PyTorch ${peer.torch} CPU (float32, ${PYTORCH_THREADS} threads)`, peer.msPerStep, 1)
  } else {
    row('PyTorch CPU', undefined, undefined, `unavailable: ${(result.pytorch as { unavailable: string }).unavailable}`)
  }
  const pytorchMs = 'msPerStep' in result.pytorch ? result.pytorch.msPerStep : undefined
  const report = (engine: string, measured: { msPerStep: number; repeats: number }, threads?: number) => {
    const ratioToPytorch = pytorchMs === undefined ? undefined : pytorchMs / measured.msPerStep
    result.engines.push({ engine, threads, ...measured, ratioToPytorch })
    row(engine + (threads ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''), measured.msPerStep, ratioToPytorch)
  }
  const problem = problemOf(N, sampling)
  const network = networkOf(m)
  const params = initialParameters(network, 1)
  const f64Ms: Record<number, number> = {}
  for (const threads of [1, 2]) {
    const engine = await createThreadedF64Trainer(problem, network, params, { threads })
    const measured = await timeSteps(engine, 3000)
    report('js-f64 (float64)', measured, engine.threads)
    f64Ms[engine.threads] = measured.msPerStep
    engine.dispose()
  }
  if (f64Ms[1] !== undefined && f64Ms[2] !== undefined) result.threadSpeedup = f64Ms[1] / f64Ms[2]
  for (const backend of ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as TfjsBackend[]) {
    try {
      const loaded = await loadTfjsBackend(backend)
      const engine = await createTfjsTrainer(loaded.tf, loaded.backend, problem, network, params)
      // The plain-JS cpu backend takes seconds per step here: one warm-up step and three timed ones.
      report(`tfjs ${backend} (float32)`, await timeSteps(engine, backend === 'cpu' ? 0 : 3000, backend === 'cpu' ? 1 : 2))
      engine.dispose()
    } catch (error) {
      const unavailable = (error as Error).message.split('\n')[0].slice(0, 200)
      result.engines.push({ engine: `tfjs ${backend}`, unavailable })
      row(`tfjs ${backend}`, undefined, undefined, `unavailable: ${unavailable}`)
    }
  }
  if (result.threadSpeedup !== undefined) log(`  js-f64 2 threads vs 1 thread: ${result.threadSpeedup.toFixed(2)}x`)
  return result
}

async function main() {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.versions.node}`
  log(`Machine: ${machine}`)
  const python = pythonWithTorch()
  const workloads: WorkloadResult[] = []
  for (const { N, m, sampling } of WORKLOADS) workloads.push(await benchmarkWorkload(python, N, m, sampling))

  // Diffusion solver on an 801-point frequency grid with 100 snapshots.
  const xi = uniformFrequencyGrid(4, 801)
  const setup = spectralSetupOf(networkOf(4000), 1)
  const start = performance.now()
  const c = diffusionCoefficients(setup, xi)
  const solver = createDiffusionSolver1d({ xi, diffusion: c.Dim, reaction: c.Rim, originCondition: 'dirichlet' })
  const built = performance.now()
  const initial = xi.map((v) => Math.exp(-v * v) * Math.sin(3 * v))
  for (let s = 0; s < 100; s++) solver.evolve(initial, s * 0.02)
  const solverTimes = { buildSeconds: (built - start) / 1000, snapshotsSeconds: (performance.now() - built) / 1000 }
  log(`\nDiffusion solver, 801-point grid: build (coefficients + rational approximation of exp) ${solverTimes.buildSeconds.toFixed(2)} s, 100 snapshots ${solverTimes.snapshotsSeconds.toFixed(3)} s`)

  log(`\nNTK prediction (bench/ntkBenchmark.ts), N = ${NTK_SAMPLE_COUNTS.join(', ')}:`)
  let ntk: Record<string, unknown>
  try {
    ntk = await benchmarkNtkPrediction(NTK_SAMPLE_COUNTS)
  } catch (error) {
    ntk = { unavailable: `the NTK benchmark failed: ${(error as Error).message}` }
  }
  for (const line of 'unavailable' in ntk ? [`  ${String(ntk.unavailable)}`] : ntkFigureLines(ntk)) log(line)

  log('\nPeak memory of a whole run, N=10000, m=100000 (child process)...')
  const memory = peakMemoryOfRun()
  log(memory.peakMiB === undefined ? `Peak memory: not measured (${memory.note})` : `Peak memory: ${memory.peakMiB.toFixed(0)} MiB (${memory.description})`)
  if (json) console.log(JSON.stringify({ machine, workloads, solver: solverTimes, ntk, memory }))
}

/** Runs `mscale run` on a temporary N = 10^4, m = 10^5 project and reads the process's peak RSS. */
function peakMemoryOfRun(): { peakMiB?: number; steps?: number; seconds?: number; description?: string; note?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mscale-bench-'))
  try {
    const project = join(dir, 'memory.mscale')
    mkdirSync(project)
    const steps = 3
    const learningRate = 1e-6
    const models = ['diffusion', 'ntk']
    writeFileSync(join(project, 'project.json'), JSON.stringify({
      format: 'mscale-workbench/project', version: 1, name: 'memory probe',
      experiments: [{
        id: 'memory', target: { expr: '(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x)+0.6*sin(9*x))' },
        domain: { dim: 1, halfWidth: 4, samples: 10000, sampling: 'grid' },
        network: { ...networkOf(100000) },
        training: { learningRate, time: steps * learningRate, snapshots: [0, steps * learningRate], backend: 'js-f64' },
        analysis: { xiMax: 4, xiPoints: 401, band: 2.5, models },
      }],
    }))
    const started = performance.now()
    const run = spawnSync(process.execPath, ['--import', join(root, 'bench/reportPeakMemory.mjs'), join(root, 'bin/mscale.mjs'), 'run', project, '--json'], { encoding: 'utf8' })
    const seconds = (performance.now() - started) / 1000
    const match = /PEAK_RSS_KIB (\d+)/.exec(run.stderr)
    if (run.status !== 0 || !match) return { note: `the run failed: ${run.stdout}${run.stderr}`.slice(0, 400) }
    const description = `mscale run, grid N=10000, m=100000, ${steps} steps, js-f64 on the run service's default threads, analysis models ${models.join(', ')}, CLI process with its worker threads, ${seconds.toFixed(0)} s`
    return { peakMiB: Number(match[1]) / 1024, steps, seconds, description }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
