// Acceptance (issue 2): gradient descent of a finite-width network against the diffusion model and
// the NTK prediction. Reference figures: ../shared/spec/SPECTRAL_MODEL.md section 6 (GD at width
// 4000, eta = 0.01, scales {1,2}: rel 3% to 8% up to t = 4).
import { describe, expect, it } from 'vitest'
import type { Experiment, NetworkSpec } from '../../src/shared/project/experimentTypes'
import { samplePoints } from '../../src/shared/study/samplePoints'
import { spectralSetupOf } from '../../src/shared/study/spectralSetupOf'
import { snapshotSchedule } from '../../src/shared/study/learningRate'
import { compareSpectra } from '../../src/shared/study/spectralComparison'
import { compileTargetExpression } from '../../src/shared/target/targetExpression'
import { ntkKernelMatrix } from '../../src/shared/spectral/ntkKernel'
import { createNtkPrediction } from '../../src/shared/spectral/ntkPrediction'
import { diffusionCoefficients } from '../../src/shared/spectral/diffusionCoefficients'
import { createSpectrumTransform } from '../../src/shared/spectral/fourierTransform'
import { uniformFrequencyGrid } from '../../src/shared/spectral/frequencyGrid'
import { initialParameters } from '../../src/shared/network/initialParameters'
import { createF64Trainer } from '../../src/shared/network/gradientDescentF64'
import { runGradientDescent } from '../../src/shared/network/trainingLoop'

const TARGET = '(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x)+0.6*sin(9*x))'
const LEARNING_RATE = 0.01
const TIME = 4
const SNAPSHOTS = [0, 0.5, 1, 2, 3, 4]

function network(width: number, seed: number): NetworkSpec {
  return { scales: [1, 2], width, activation: 'sin', bias: false, amplitude: 'scale', trained: ['a', 'w'], init: 'zero-output', sigmaA: 1, sigmaW: 1, sigmaB: 1, seed }
}

/** Trains one network by plain GD and returns the errors u = f - g at the snapshots and the models. */
async function trainAndPredict(samples: number, width: number, seed: number) {
  const domain: Experiment['domain'] = { dim: 1, halfWidth: 4, samples, sampling: 'grid', seed: 0 }
  const set = samplePoints(domain)
  const compiled = compileTargetExpression(TARGET, 1)
  if (!compiled.ok) throw new Error(compiled.message)
  const target = compiled.evaluate(set.points)
  const spec = network(width, seed)
  const setup = spectralSetupOf(spec, 1)
  const ntk = createNtkPrediction(ntkKernelMatrix(setup, set.points), set.weights)
  expect(LEARNING_RATE).toBeLessThan(2 / ntk.lambdaMax)
  const { totalSteps, snapshotSteps } = snapshotSchedule(TIME, SNAPSHOTS, LEARNING_RATE)
  const engine = createF64Trainer({ dim: 1, points: set.points, weights: set.weights, target, uniformGrid: set.uniformGrid }, spec, initialParameters(spec, 1))
  const N = set.weights.length
  const errors = new Float64Array(snapshotSteps.length * N)
  let s = 0
  await runGradientDescent(engine, {
    learningRate: LEARNING_RATE, totalSteps, snapshotSteps, progressIntervalMs: 1e9, now: () => performance.now(),
    onProgress: () => undefined, isCancelled: () => false,
    onSnapshot: ({ output }) => {
      for (let i = 0; i < N; i++) errors[s * N + i] = output[i] - target[i]
      s++
    },
  })
  engine.dispose()
  return { set, setup, ntk, errors, snapshotSteps, N }
}

describe('gradient descent vs the spectral models (scales {1,2}, eta = 0.01, t <= 4)', () => {
  it('width 4000 on the 801-point grid: rel(diffusion) <= 10% on the band [0, 2.5] at every snapshot', async () => {
    const { set, setup, ntk, errors, snapshotSteps } = await trainAndPredict(801, 4000, 0)
    const xi = uniformFrequencyGrid(4, 801)
    const comparison = compareSpectra({
      xi, band: 2.5, bias: false, learningRate: LEARNING_RATE, snapshotSteps, trainingError: errors,
      transform: createSpectrumTransform(set.points, set.weights, xi, 1), coefficients: diffusionCoefficients(setup, xi), ntk,
    })
    const rows = comparison.metrics.map((m) => ({ t: m.t, errorNorm: m.errorNorm, relDiffusion: m.rel.diffusion, relNtk: m.rel.ntk }))
    console.table(rows)
    for (const m of comparison.metrics.slice(1)) {
      // Tolerance 10% (issue 2 acceptance); the spec measured 3% to 8% for this configuration.
      expect(m.rel.diffusion!).toBeLessThanOrEqual(0.1)
      // The discrete NTK prediction models the very steps taken: closer still than the continuum model.
      expect(m.rel.ntk!).toBeLessThanOrEqual(0.1)
    }
  })

  it('the distance between gradient descent and the NTK prediction shrinks as the width grows (1000, 4000, 16000)', async () => {
    const distances: number[] = []
    for (const width of [1000, 4000, 16000]) {
      const { set, ntk, errors, snapshotSteps, N } = await trainAndPredict(401, width, 1)
      const u0 = errors.subarray(0, N)
      let worst = 0
      snapshotSteps.forEach((step, s) => {
        const predicted = ntk.gradientDescent(u0, LEARNING_RATE, step)
        let difference = 0
        let reference = 0
        for (let i = 0; i < N; i++) {
          difference += set.weights[i] * (errors[s * N + i] - predicted[i]) ** 2
          reference += set.weights[i] * u0[i] ** 2
        }
        worst = Math.max(worst, Math.sqrt(difference / reference))
      })
      distances.push(worst)
    }
    console.log('max_t ||u_GD - u_NTK|| / ||u0|| for widths 1000, 4000, 16000:', distances.map((d) => d.toExponential(3)).join(', '))
    expect(distances[1]).toBeLessThan(distances[0])
    expect(distances[2]).toBeLessThan(distances[1])
    // Finite-width kernel fluctuations scale like 1/sqrt(m): a 16x wider network should be about 4x
    // closer; demand at least 2x so that seed noise cannot fail a correct engine.
    expect(distances[0] / distances[2]).toBeGreaterThan(2)
  })
})
