import { describe, expect, it } from 'vitest'
import { symmetricEigen } from '../../../src/shared/linalg/symmetricEigen'
import { largestEigenvalueFromColumns } from '../../../src/shared/spectral/largestEigenvalue'
import { ntkKernelColumns, ntkKernelMatrix } from '../../../src/shared/spectral/ntkKernel'
import { ntkOfSamples } from '../../../src/shared/spectral/ntkOfSamples'
import type { SpectralSetup } from '../../../src/shared/spectral/spectralSetup'
import { samplePoints } from '../../../src/shared/study/samplePoints'

const setup: SpectralSetup = {
  dim: 1, scales: [1, 2, 4, 8], groupWeights: [0.25, 0.25, 0.25, 0.25], amplitude: 'scale', bias: true,
  trained: ['a', 'w', 'b'], sigmaA: 1, sigmaW: 1, sigmaB: 1,
}

/** lambda_max of K Q from the dense symmetric eigendecomposition of Q^{1/2} K Q^{1/2} (ml-matrix). */
function denseLambdaMax(points: Float64Array, weights: Float64Array): number {
  const n = weights.length
  const kernel = ntkKernelMatrix(setup, points)
  const similar = kernel.map((value, index) => value * Math.sqrt(weights[Math.floor(index / n)] * weights[index % n]))
  return symmetricEigen(similar, n).values[n - 1]
}

describe('ntkOfSamples', () => {
  const set = samplePoints({ dim: 1, halfWidth: 4, samples: 240, sampling: 'random', seed: 11 } as Parameters<typeof samplePoints>[0])
  const exact = denseLambdaMax(set.points, set.weights)

  it('builds the low-rank prediction within the limits; lambda_max exact to 1e-10', () => {
    const result = ntkOfSamples(setup, set.points, set.weights)
    expect(result.note).toBeUndefined()
    expect(result.prediction).toBeDefined()
    // Within residualTrace (~1e-13 relative) of the exact value; the dense solver ~N eps: 1e-10.
    expect(Math.abs(result.lambdaMax - exact)).toBeLessThan(1e-10 * exact)
  })

  it('above the rank limit: no prediction, a note saying why, lambda_max from Lanczos still exact', () => {
    // A factor budget of 20 columns (the kernel needs ~160): as N = 10^4 would be with 2^24 entries and a rough kernel.
    const result = ntkOfSamples(setup, set.points, set.weights, { maxFactorEntries: 20 * 240, maxRank: 1500 })
    expect(result.prediction).toBeUndefined()
    expect(result.note).toMatch(/NTK prediction skipped: .*numerical rank above 20.*diffusion model is unaffected/)
    // Lanczos stops when its residual bound is below 1e-11 lambda_max; allow 1e-10.
    expect(Math.abs(result.lambdaMax - exact)).toBeLessThan(1e-10 * exact)
  })

  it('largestEigenvalueFromColumns converges from a plain start too', () => {
    const { lambdaMax, residual, iterations } = largestEigenvalueFromColumns(ntkKernelColumns(setup, set.points), set.weights)
    expect(residual).toBeLessThan(1e-11 * lambdaMax)
    expect(iterations).toBeLessThan(60)
    expect(Math.abs(lambdaMax - exact)).toBeLessThan(1e-10 * exact)
  })
})
