import { describe, expect, it } from 'vitest'
import { compareSpectra } from '../../../src/shared/study/spectralComparison'
import { samplePoints } from '../../../src/shared/study/samplePoints'
import { spectralSetupOf } from '../../../src/shared/study/spectralSetupOf'
import { ntkKernelMatrix } from '../../../src/shared/spectral/ntkKernel'
import { createNtkPrediction } from '../../../src/shared/spectral/ntkPrediction'
import { diffusionCoefficients } from '../../../src/shared/spectral/diffusionCoefficients'
import { createSpectrumTransform } from '../../../src/shared/spectral/fourierTransform'
import { uniformFrequencyGrid } from '../../../src/shared/spectral/frequencyGrid'
import { bandNorm } from '../../../src/shared/spectral/spectralAgreement'

const network = { scales: [1, 2], width: 1000, activation: 'sin' as const, bias: false, amplitude: 'scale' as const, trained: ['a', 'w'] as ('a' | 'w')[], init: 'zero-output' as const, sigmaA: 1, sigmaW: 1, sigmaB: 1, seed: 0 }

describe('compareSpectra', () => {
  const set = samplePoints({ dim: 1, halfWidth: 3, samples: 121, sampling: 'grid', seed: 0 })
  const xi = uniformFrequencyGrid(3, 121)
  const transform = createSpectrumTransform(set.points, set.weights, xi, 1)
  const setup = spectralSetupOf(network, 1)
  const ntk = createNtkPrediction(ntkKernelMatrix(setup, set.points), set.weights)
  const N = set.weights.length
  const learningRate = 0.5 / ntk.lambdaMax
  const steps = [0, 20, 40]
  const u0 = set.points.map((x) => -((1 - (x / 3) ** 2) ** 4) * (Math.sin(2 * x) + 0.5 * Math.sin(5 * x)))

  it('a "training" error that follows the NTK prediction exactly has rel(ntk) = 0, and the metrics are the band norms', () => {
    // An independent trajectory: explicit GD on the kernel operator, u <- u - eta K Q u.
    const kernel = ntkKernelMatrix(setup, set.points)
    const errors = new Float64Array(steps.length * N)
    let u = Float64Array.from(u0)
    for (let n = 0, s = 0; n <= 40; n++) {
      if (n === steps[s]) errors.set(u, N * s++)
      const next = new Float64Array(N)
      for (let i = 0; i < N; i++) {
        let sum = 0
        for (let j = 0; j < N; j++) sum += kernel[i * N + j] * set.weights[j] * u[j]
        next[i] = u[i] - learningRate * sum
      }
      u = next
    }
    const comparison = compareSpectra({ xi, band: 2, bias: false, learningRate, snapshotSteps: steps, trainingError: errors, transform, coefficients: diffusionCoefficients(setup, xi), ntk })
    for (const [s, m] of comparison.metrics.entries()) {
      expect(m.t).toBeCloseTo(steps[s] * learningRate, 14)
      expect(m.rel.ntk!).toBeLessThan(1e-10) // the same linear recurrence, rounding apart
      expect(m.errorNorm).toBeCloseTo(bandNorm(comparison.training.Q.subarray(s * xi.length, (s + 1) * xi.length), xi, 2), 14)
      // The error is odd: P is rounding noise and gets no rel of its own.
      expect(m.relP).toEqual({})
      expect(m.errorNormP).toBeLessThan(1e-12)
    }
    // The diffusion model starts from the same spectrum and stays close (spec section 6: a few percent).
    expect(comparison.metrics[0].rel.diffusion).toBeLessThan(1e-12)
    expect(comparison.metrics[2].rel.diffusion!).toBeLessThan(0.05)
    expect(comparison.metrics[2].errorNorm).toBeLessThan(comparison.metrics[0].errorNorm)
  })

  it('with a bias, rel combines P and Q; relP and relQ are reported apart when the error has an even part', () => {
    const even = u0.map((u, i) => u + 0.3 * (1 - (set.points[i] / 3) ** 2) ** 4 * Math.cos(3 * set.points[i]))
    const errors = new Float64Array(steps.length * N)
    steps.forEach((_, s) => errors.set(even.map((u) => u * (1 - 0.1 * s)), s * N))
    // A stand-in prediction: the even part decays like the training error, the odd part does not move.
    const fakeNtk = {
      lambdaMax: 1, eigenvalues: new Float64Array(),
      flow: () => new Float64Array(N),
      gradientDescent: (start: Float64Array, _eta: number, n: number, out = new Float64Array(N)) => {
        const s = steps.indexOf(n)
        for (let i = 0; i < N; i++) {
          const mirror = N - 1 - i // the grid is symmetric: x_mirror = -x_i
          const evenPart = (start[i] + start[mirror]) / 2
          out[i] = (start[i] - evenPart) + evenPart * (1 - 0.1 * s)
        }
        return out
      },
    }
    const comparison = compareSpectra({ xi, band: 2, bias: true, learningRate, snapshotSteps: steps, trainingError: errors, transform, ntk: fakeNtk })
    const last = comparison.metrics[2]
    const F = xi.length
    const row = (values: Float64Array) => values.subarray(2 * F, 3 * F)
    const P = row(comparison.training.P), Q = row(comparison.training.Q)
    const modelP = row(comparison.models.ntk!.P), modelQ = row(comparison.models.ntk!.Q)
    const difference = (a: Float64Array, b: Float64Array) => a.map((v, k) => v - b[k])
    // The even part matches: relP is rounding; the odd part is 0.8 of the model's: relQ = 0.25.
    expect(last.relP.ntk!).toBeLessThan(1e-12)
    expect(last.relQ.ntk!).toBeCloseTo(0.25, 10)
    const combined = Math.hypot(bandNorm(difference(modelP, P), xi, 2), bandNorm(difference(modelQ, Q), xi, 2)) / Math.hypot(bandNorm(P, xi, 2), bandNorm(Q, xi, 2))
    expect(last.rel.ntk!).toBeCloseTo(combined, 14)
    expect(last.rel.ntk!).toBeLessThan(last.relQ.ntk!)
  })
})
