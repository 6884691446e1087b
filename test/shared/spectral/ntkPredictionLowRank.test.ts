import { describe, expect, it } from 'vitest'
import { symmetricEigen } from '../../../src/shared/linalg/symmetricEigen'
import { ntkKernelColumns, ntkKernelMatrix } from '../../../src/shared/spectral/ntkKernel'
import { createNtkPrediction, createNtkPredictionFromColumns, NtkRankLimitError } from '../../../src/shared/spectral/ntkPrediction'
import type { SpectralSetup } from '../../../src/shared/spectral/spectralSetup'
import { samplePoints } from '../../../src/shared/study/samplePoints'

/**
 * The low-rank NTK prediction against the dense one it replaced: M = Q^{1/2} K Q^{1/2} decomposed
 * in full by ml-matrix (symmetricEigen) and phi(K Q) u0 = Q^{-1/2} V phi(lambda) V^T Q^{1/2} u0,
 * the formula of the previous implementation, written out here as the reference.
 */
function densePrediction(kernel: Float64Array, weights: Float64Array) {
  const n = weights.length
  const root = weights.map(Math.sqrt)
  const similar = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) similar[i * n + k] = 0.5 * (kernel[i * n + k] + kernel[k * n + i]) * root[i] * root[k]
  const { values, vectors } = symmetricEigen(similar, n)
  const apply = (u0: Float64Array, phi: (lambda: number) => number) => {
    const c = new Float64Array(n)
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) c[k] += vectors[i * n + k] * root[i] * u0[i]
    for (let k = 0; k < n; k++) c[k] *= phi(values[k])
    return Float64Array.from({ length: n }, (_, i) => {
      let sum = 0
      for (let k = 0; k < n; k++) sum += vectors[i * n + k] * c[k]
      return sum / root[i]
    })
  }
  return {
    lambdaMax: values[n - 1],
    flow: (u0: Float64Array, t: number) => apply(u0, (lambda) => Math.exp(-t * lambda)),
    gradientDescent: (u0: Float64Array, eta: number, steps: number) => apply(u0, (lambda) => (1 - eta * lambda) ** steps),
  }
}

/** |a - b|_Q / |reference|_Q with |u|_Q = sqrt(sum q_i u_i^2), the norm of the error bound. */
function weightedDistance(a: Float64Array, b: Float64Array, reference: Float64Array, weights: Float64Array): number {
  let difference = 0
  let norm = 0
  for (let i = 0; i < a.length; i++) {
    difference += weights[i] * (a[i] - b[i]) ** 2
    norm += weights[i] * reference[i] ** 2
  }
  return Math.sqrt(difference / norm)
}

function setupOf(scales: number[], bias: boolean): SpectralSetup {
  return {
    dim: 1, scales, groupWeights: scales.map(() => 1 / scales.length), amplitude: 'scale', bias,
    trained: bias ? ['a', 'w', 'b'] : ['a', 'w'], sigmaA: 1, sigmaW: 1, sigmaB: 1,
  }
}

const CASES = [
  { name: 'scales {1}, no bias, grid', scales: [1], bias: false, sampling: 'grid', samples: 201 },
  { name: 'scales {1,2,4,8}, no bias, grid', scales: [1, 2, 4, 8], bias: false, sampling: 'grid', samples: 401 },
  { name: 'scales {1,2,4,8}, bias, grid', scales: [1, 2, 4, 8], bias: true, sampling: 'grid', samples: 301 },
  { name: 'scales {1,2}, bias, random samples', scales: [1, 2], bias: true, sampling: 'random', samples: 300 },
  { name: 'scales {1,2,4,8}, no bias, random samples', scales: [1, 2, 4, 8], bias: false, sampling: 'random', samples: 400 },
] as const

describe('createNtkPredictionFromColumns against the dense eigendecomposition', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const set = samplePoints({ dim: 1, halfWidth: 4, samples: c.samples, sampling: c.sampling, seed: 7 } as Parameters<typeof samplePoints>[0])
      const setup = setupOf([...c.scales], c.bias)
      const kernel = ntkKernelMatrix(setup, set.points)
      const dense = densePrediction(kernel, set.weights)
      const lowRank = createNtkPredictionFromColumns(ntkKernelColumns(setup, set.points), set.weights)
      // An even and an odd part so that, with bias, both P and Q move.
      const u0 = set.points.map((x) => (1 - (x / 4) ** 2) ** 4 * (Math.sin(x) + 0.8 * Math.sin(4 * x) + 0.6 * Math.sin(9 * x) + 0.3 * Math.cos(2 * x)))
      const lambdaMax = dense.lambdaMax
      // The numerical rank is set by the kernel's smoothness over [-4, 4] (81 for {1,2,4,8} without
      // bias, 161 with, 13 for {1}), not by N: that is what makes this fast; the dropped trace is tiny.
      expect(lowRank.rank).toBeLessThan(170)
      expect(lowRank.residualTrace).toBeLessThan(1e-11 * lambdaMax)
      // lambda_max: the low-rank value is within residualTrace of the exact one (PSD remainder);
      // the dense solver is accurate to ~N eps lambda_max (~1e-13 relative): 1e-10 relative.
      if (process.env.NTK_TEST_VERBOSE) console.log(c.name, 'rank', lowRank.rank, 'lambdaMax rel', Math.abs(lowRank.lambdaMax - lambdaMax) / lambdaMax, 'residualTrace rel', lowRank.residualTrace / lambdaMax)
      expect(Math.abs(lowRank.lambdaMax - lambdaMax)).toBeLessThan(1e-10 * lambdaMax)
      // Error bound, relative to |u0|_Q: t * residualTrace for the low-rank factor, plus the rounding
      // of both decompositions, whose eigenvalues are off by up to ~N eps lambda_max; an eigenvalue
      // error delta moves exp(-t lambda) or (1 - eta lambda)^n by up to t * delta. Hence
      //   tolerance = 1e-12 + t lambda_max (residualTrace / lambda_max + N eps)
      // (1e-12: rounding at t = 0). Model times reach t lambda_max = 2e4, where exp(-t lambda) spans
      // every decade down to underflow across the spectrum; observed: 3e-15 to 5e-11, always far
      // below the bound (1e-12 to 2e-9), while a wrong weighting or a lost mode misses by O(1).
      const tolerance = (tLambda: number) => 1e-12 + tLambda * (lowRank.residualTrace / lambdaMax + c.samples * 2.2e-16)
      for (const tLambda of [0, 0.3, 3, 30, 300, 3000, 20000]) {
        const t = tLambda / lambdaMax
        const reference = dense.flow(u0, t)
        const distance = weightedDistance(lowRank.flow(u0, t), reference, u0, set.weights)
        if (process.env.NTK_TEST_VERBOSE) console.log(c.name, 'flow', tLambda, distance.toExponential(2))
        expect(distance, `flow at t lambda_max = ${tLambda}`).toBeLessThan(tolerance(tLambda))
      }
      // Gradient descent near the stability limit (eta lambda_max = 1.9, the top mode flips sign
      // each step), at the "auto" rate 0.5 and beyond the limit (growing).
      for (const [fraction, steps] of [[1.9, 1], [1.9, 37], [1.9, 1000], [1.9, 10000], [0.5, 5000], [2.05, 40]] as const) {
        const eta = fraction / lambdaMax
        const reference = dense.gradientDescent(u0, eta, steps)
        const distance = weightedDistance(lowRank.gradientDescent(u0, eta, steps), reference, u0, set.weights)
        if (process.env.NTK_TEST_VERBOSE) console.log(c.name, 'GD', fraction, steps, distance.toExponential(2))
        expect(distance, `GD eta lambda_max = ${fraction}, ${steps} steps`).toBeLessThan(tolerance(Math.min(fraction, 2) * steps))
      }
    })
  }

  it('gives the same prediction from the dense kernel matrix (createNtkPrediction) as from its columns', () => {
    const set = samplePoints({ dim: 1, halfWidth: 4, samples: 151, sampling: 'grid', seed: 0 } as Parameters<typeof samplePoints>[0])
    const setup = setupOf([1, 2], false)
    const fromMatrix = createNtkPrediction(ntkKernelMatrix(setup, set.points), set.weights)
    const fromColumns = createNtkPredictionFromColumns(ntkKernelColumns(setup, set.points), set.weights)
    const u0 = set.points.map((x) => Math.sin(3 * x))
    // The same columns up to the symmetrisation (K + K^T) / 2, exact for a symmetric K: identical.
    expect(fromMatrix.rank).toBe(fromColumns.rank)
    expect(Array.from(fromMatrix.flow(u0, 0.4))).toEqual(Array.from(fromColumns.flow(u0, 0.4)))
  })

  it('refuses a kernel whose rank is above maxRank, with the partial factor attached', () => {
    const set = samplePoints({ dim: 1, halfWidth: 4, samples: 201, sampling: 'grid', seed: 0 } as Parameters<typeof samplePoints>[0])
    const columns = ntkKernelColumns(setupOf([1, 2, 4, 8], false), set.points)
    let caught: unknown
    try {
      createNtkPredictionFromColumns(columns, set.weights, { maxRank: 10 })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(NtkRankLimitError)
    const error = caught as NtkRankLimitError
    expect(error.message).toMatch(/numerical rank above 10/)
    expect(error.factorisation.rank).toBe(10)
    expect(error.factorisation.converged).toBe(false)
  })
})
