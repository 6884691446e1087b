// Benchmark (not a test): the NTK prediction of spec section 3 as a run builds it (kernel columns,
// low-rank factor and decomposition, 100 snapshots of discrete gradient descent) for several N,
// next to the dense path it replaced (N x N kernel, full ml-matrix eigendecomposition) at one N.
// Run directly with `node scripts/buildNode.mjs && node out/node/benchNtk.mjs [--json] [N,N,...]`;
// `npm run bench` imports benchmarkNtkPrediction.
import { symmetricEigen } from '../src/shared/linalg/symmetricEigen'
import type { SymmetricColumnSource } from '../src/shared/linalg/pivotedCholesky'
import { ntkKernelColumns, ntkKernelMatrix } from '../src/shared/spectral/ntkKernel'
import { createNtkPredictionFromColumns } from '../src/shared/spectral/ntkPrediction'
import type { SpectralSetup } from '../src/shared/spectral/spectralSetup'
import { samplePoints } from '../src/shared/study/samplePoints'

const SNAPSHOTS = 100
/** The dense comparison runs at this N when it is among the sample counts (about 3 s there). */
const DENSE_COMPARISON_N = 801
const HALF_WIDTH = 4

/** The bundled example's network: scales {1,2,4,8}, amplitude "scale", a and w trained. */
const WORKLOADS: { name: string; bias: boolean; sampling: 'grid' | 'random' }[] = [
  { name: 'grid, scales {1,2,4,8}, no bias', bias: false, sampling: 'grid' },
  { name: 'random, scales {1,2,4,8}, bias', bias: true, sampling: 'random' },
]

function setupOf(bias: boolean): SpectralSetup {
  return {
    dim: 1, scales: [1, 2, 4, 8], groupWeights: [0.25, 0.25, 0.25, 0.25], amplitude: 'scale', bias,
    trained: bias ? ['a', 'w', 'b'] : ['a', 'w'], sigmaA: 1, sigmaW: 1, sigmaB: 1,
  }
}

function problemOf(N: number, workload: (typeof WORKLOADS)[number]) {
  const set = samplePoints({ dim: 1, halfWidth: HALF_WIDTH, samples: N, sampling: workload.sampling, seed: 1 })
  const initialError = set.points.map((x) => -((1 - (x / 4) ** 2) ** 4) * (Math.sin(x) + 0.8 * Math.sin(4 * x) + 0.6 * Math.sin(9 * x)))
  return { set, initialError, setup: setupOf(workload.bias) }
}

/** Snapshot steps of a run to t = 2 at the "auto" rate 0.5 / lambda_max (as the example runs). */
function snapshotSteps(lambdaMax: number): { eta: number; steps: number[] } {
  const eta = 0.5 / lambdaMax
  const total = Math.round(2 / eta)
  return { eta, steps: Array.from({ length: SNAPSHOTS }, (_, s) => Math.round((s * total) / (SNAPSHOTS - 1))) }
}

const seconds = (from: number) => (performance.now() - from) / 1000

function lowRankFigures(N: number, workload: (typeof WORKLOADS)[number]) {
  const { set, initialError, setup } = problemOf(N, workload)
  const columns = ntkKernelColumns(setup, set.points)
  let kernelSeconds = 0
  const timed: SymmetricColumnSource = {
    size: columns.size,
    diagonal: (out) => columns.diagonal(out),
    column: (k, out) => {
      const start = performance.now()
      columns.column(k, out)
      kernelSeconds += seconds(start)
    },
  }
  const started = performance.now()
  const prediction = createNtkPredictionFromColumns(timed, set.weights)
  const built = seconds(started)
  const { eta, steps } = snapshotSteps(prediction.lambdaMax)
  const snapshotStart = performance.now()
  const out = new Float64Array(N)
  for (const n of steps) prediction.gradientDescent(initialError, eta, n, out)
  const snapshotSeconds = seconds(snapshotStart)
  return {
    workload: workload.name,
    N,
    rank: prediction.rank,
    lambdaMax: prediction.lambdaMax,
    residualTraceRelative: prediction.residualTrace / prediction.lambdaMax,
    kernelSeconds,
    decompositionSeconds: built - kernelSeconds,
    snapshotSeconds,
    totalSeconds: built + snapshotSeconds,
    factorMegabytes: (N * prediction.rank * 8) / 2 ** 20,
  }
}

/** The previous implementation: N x N kernel, dense eigendecomposition, two N x N products per snapshot. */
function denseFigures(N: number, workload: (typeof WORKLOADS)[number]) {
  const { set, initialError, setup } = problemOf(N, workload)
  const started = performance.now()
  const kernel = ntkKernelMatrix(setup, set.points)
  const kernelSeconds = seconds(started)
  const decompositionStart = performance.now()
  const root = set.weights.map(Math.sqrt)
  const similar = kernel.map((value, index) => value * root[Math.floor(index / N)] * root[index % N])
  const { values, vectors } = symmetricEigen(similar, N)
  const decompositionSeconds = seconds(decompositionStart)
  const { eta, steps } = snapshotSteps(values[N - 1])
  const snapshotStart = performance.now()
  const coefficients = new Float64Array(N)
  const out = new Float64Array(N)
  for (const n of steps) {
    coefficients.fill(0)
    for (let i = 0; i < N; i++) for (let k = 0; k < N; k++) coefficients[k] += vectors[i * N + k] * root[i] * initialError[i]
    for (let k = 0; k < N; k++) coefficients[k] *= (1 - eta * values[k]) ** n
    for (let i = 0; i < N; i++) {
      let sum = 0
      for (let k = 0; k < N; k++) sum += vectors[i * N + k] * coefficients[k]
      out[i] = sum / root[i]
    }
  }
  const snapshotSeconds = seconds(snapshotStart)
  return {
    workload: workload.name, N, lambdaMax: values[N - 1], kernelSeconds, decompositionSeconds, snapshotSeconds,
    totalSeconds: kernelSeconds + decompositionSeconds + snapshotSeconds,
  }
}

/**
 * Seconds for the kernel (its columns), the decomposition (pivoted Cholesky and the r x r
 * eigendecomposition), 100 snapshots and in total, per N and workload; the dense path at N = 801
 * when 801 is among the sample counts (its lambda_max agrees with the low-rank one: see tests).
 */
export async function benchmarkNtkPrediction(sampleCounts: number[]): Promise<Record<string, unknown>> {
  const lowRank: Record<string, unknown>[] = []
  const dense: Record<string, unknown>[] = []
  for (const N of sampleCounts) {
    for (const workload of WORKLOADS) {
      lowRank.push(lowRankFigures(N, workload))
      if (N === DENSE_COMPARISON_N) dense.push(denseFigures(N, workload))
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
  }
  return {
    method: 'pivoted Cholesky of Q^1/2 K Q^1/2 from kernel columns + eigendecomposition of the r x r Gram matrix',
    snapshots: SNAPSHOTS,
    lowRank,
    dense,
  }
}

/** The figures as a readable table, one line per workload and N, the previous dense path last. */
export function ntkFigureLines(figures: Record<string, unknown>): string[] {
  const seconds = (value: unknown) => (typeof value === 'number' ? value.toFixed(3).padStart(9) : '        -')
  const lines = ['  method     workload                              N   rank   kernel s   decomp s  100 snaps s   total s']
  for (const [method, rows] of [['low-rank', figures.lowRank], ['dense', figures.dense]] as const) {
    for (const row of (rows ?? []) as Record<string, unknown>[]) {
      lines.push(`  ${method.padEnd(9)}  ${String(row.workload).padEnd(32)} ${String(row.N).padStart(6)} ${String(row.rank ?? '-').padStart(6)}  ${seconds(row.kernelSeconds)}  ${seconds(row.decompositionSeconds)}    ${seconds(row.snapshotSeconds)} ${seconds(row.totalSeconds)}`)
    }
  }
  return lines
}

const invokedDirectly = /ntkBenchmark\.(ts|mjs|js)$|benchNtk\.mjs$/.test(process.argv[1] ?? '')
if (invokedDirectly) {
  const json = process.argv.includes('--json')
  const counts = process.argv.slice(2).find((argument) => /^\d+(,\d+)*$/.test(argument))
  const sampleCounts = counts ? counts.split(',').map(Number) : [801, 2000, 4000, 10000]
  const figures = await benchmarkNtkPrediction(sampleCounts)
  if (json) {
    console.log(JSON.stringify(figures))
  } else {
    for (const line of ntkFigureLines(figures)) console.log(line)
    console.log(`peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`)
  }
}
