import { describe, expect, it } from 'vitest'
import { groupShares } from '../../../src/shared/network/scaleGroups'
import type { Amplitude, TrainedParameter } from '../../../src/shared/project/experimentTypes'
import { createNtkKernel, ntkKernelMatrix, ntkKernelValue } from '../../../src/shared/spectral/ntkKernel'
import type { SpectralSetup } from '../../../src/shared/spectral/spectralSetup'
import { setupOf } from '../../helpers/spectralSetups'

/** Seeded uniform [0, 1) generator (mulberry32) and standard normals by Box-Muller. */
function normalSource(seed: number): () => number {
  let state = seed >>> 0
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  let spare: number | null = null
  return () => {
    if (spare !== null) {
      const value = spare
      spare = null
      return value
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()))
    const angle = 2 * Math.PI * uniform()
    spare = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }
}


describe('ntkKernelValue against the empirical NTK of a finite random network', () => {
  // f(x) = (1/sqrt m) sum_k c_j a_k sin(alpha_j w_k . x + b_k), neuron k in group k mod S.
  // Per-neuron gradients, written out by hand (u_k(x) = alpha_j w_k . x + b_k):
  //   df/da_k = c_j sin(u_k(x)) / sqrt m
  //   df/db_k = c_j a_k cos(u_k(x)) / sqrt m
  //   df/dw_k = c_j a_k alpha_j x cos(u_k(x)) / sqrt m        (a vector of length d)
  // The empirical NTK of parameter p is Theta_p(x, y) = sum_k <df/dp_k(x), df/dp_k(y)> = (1/m) sum_k Z_k,
  // an average of independent terms (independent within each group), whose mean is K_p(x, y).
  // Its standard error is sqrt(sum_j n_j s_j^2) / m with s_j^2 the sample variance of Z in group j.
  // Tolerance: 5 standard errors (the CLT; 192 comparisons give a false-alarm chance near 1e-4 for
  // a random seed, and the seed is fixed). Sensitivity: the same estimate must reject, by more than
  // 10 standard errors, the kernel with the sign of its G(x + y) terms flipped.
  const width = 200_000
  const scaleSets = [
    [1, 2, 4],
    [1, 2, 3],
  ]
  const amplitudes: Amplitude[] = ['none', 'scale']
  const parameters: TrainedParameter[] = ['a', 'w', 'b']
  const sigmaA = 0.9
  const sigmaW = 1.2
  const sigmaB = 0.8
  const pairsByDim: Record<1 | 2, [number[], number[]][]> = {
    1: [
      [[0.3], [-0.7]],
      [[1.1], [0.4]],
      [[-0.5], [-0.5]],
      [[0.9], [-0.2]],
    ],
    2: [
      [[0.3, -0.2], [-0.4, 0.5]],
      [[0.8, 0.6], [0.5, 0.9]],
      [[0.5, -0.5], [0.5, -0.5]],
      [[0.6, 0.1], [-0.3, -0.4]],
    ],
  }

  for (const dim of [1, 2] as const) {
    for (const bias of [true, false]) {
      it(`d = ${dim}, bias ${bias}: a, w, b alone, two scale sets, both amplitudes`, () => {
        const normal = normalSource(1000 * dim + (bias ? 1 : 0))
        const a = new Float64Array(width)
        const b = new Float64Array(width)
        const w = new Float64Array(width * dim)
        for (let k = 0; k < width; k++) {
          a[k] = sigmaA * normal()
          b[k] = bias ? sigmaB * normal() : 0
          for (let l = 0; l < dim; l++) w[k * dim + l] = sigmaW * normal()
        }
        const gradientX = new Float64Array(dim)
        const gradientY = new Float64Array(dim)
        let comparisons = 0
        for (const scales of scaleSets) {
          const groupCount = scales.length
          const groupWeights = groupShares(width, groupCount, 'random')
          for (const amplitude of amplitudes) {
            const amplitudeSquared = scales.map((alpha) => (amplitude === 'scale' ? alpha ** (2 * dim) : 1))
            for (const parameter of parameters) {
              const setup = setupOf({ dim, scales, groupWeights, amplitude, bias, trained: [parameter], sigmaA, sigmaW, sigmaB })
              if (parameter === 'b' && !bias) {
                // Without bias the network has no parameter b (b = 0, not trained): nothing to estimate,
                // and the kernel must say so exactly.
                for (const [x, y] of pairsByDim[dim]) expect(ntkKernelValue(setup, x, y)).toBe(0)
                continue
              }
              // The sign-flipped alternative: 1/2 [G(x - y) + beta G(x + y)] for a, and minus for b, w.
              let largestWrongZ = 0
              for (const [x, y] of pairsByDim[dim]) {
                const sum = new Float64Array(groupCount)
                const sumSquares = new Float64Array(groupCount)
                const count = new Float64Array(groupCount)
                for (let k = 0; k < width; k++) {
                  const j = k % groupCount
                  const alpha = scales[j]
                  let phaseX = b[k]
                  let phaseY = b[k]
                  for (let l = 0; l < dim; l++) {
                    phaseX += alpha * w[k * dim + l] * x[l]
                    phaseY += alpha * w[k * dim + l] * y[l]
                  }
                  let z: number
                  if (parameter === 'a') {
                    z = Math.sin(phaseX) * Math.sin(phaseY)
                  } else if (parameter === 'b') {
                    z = a[k] * Math.cos(phaseX) * a[k] * Math.cos(phaseY)
                  } else {
                    for (let l = 0; l < dim; l++) {
                      gradientX[l] = a[k] * alpha * x[l] * Math.cos(phaseX)
                      gradientY[l] = a[k] * alpha * y[l] * Math.cos(phaseY)
                    }
                    z = 0
                    for (let l = 0; l < dim; l++) z += gradientX[l] * gradientY[l]
                  }
                  z *= amplitudeSquared[j]
                  sum[j] += z
                  sumSquares[j] += z * z
                  count[j]++
                }
                let empirical = 0
                let variance = 0
                for (let j = 0; j < groupCount; j++) {
                  empirical += sum[j]
                  const mean = sum[j] / count[j]
                  const groupVariance = (sumSquares[j] - count[j] * mean * mean) / (count[j] - 1)
                  variance += count[j] * groupVariance
                }
                empirical /= width
                const standardError = Math.sqrt(variance) / width
                const closedForm = ntkKernelValue(setup, x, y)
                expect(Math.abs(empirical - closedForm), `${parameter} d=${dim} bias=${bias} scales=${scales} ${amplitude} x=${x} y=${y}`).toBeLessThanOrEqual(
                  5 * standardError,
                )
                comparisons++
                const wrong = flippedSumKernel(setup, x, y)
                largestWrongZ = Math.max(largestWrongZ, Math.abs(empirical - wrong) / standardError)
              }
              expect(largestWrongZ, `sensitivity for ${parameter} d=${dim} bias=${bias}`).toBeGreaterThan(10)
            }
          }
        }
        expect(comparisons).toBe(bias ? 48 : 32)
      })
    }
  }

  it('trainable b at zero initialisation (bias true, sigma_b = 0) has beta = 1', () => {
    // Same estimator as above for one case; tolerance 5 standard errors.
    const dim = 1
    const normal = normalSource(77)
    const scales = [1, 2]
    const setup = setupOf({ dim, scales, bias: true, sigmaB: 0, trained: ['b'] })
    const x = 0.7
    const y = -0.4
    let sum = 0
    let sumSquares = 0
    for (let k = 0; k < width; k++) {
      const alpha = scales[k % 2]
      const ak = normal()
      const wk = normal()
      const z = ak * ak * Math.cos(alpha * wk * x) * Math.cos(alpha * wk * y)
      sum += z
      sumSquares += z * z
    }
    const mean = sum / width
    const standardError = Math.sqrt((sumSquares / width - mean * mean) / width)
    expect(Math.abs(mean - ntkKernelValue(setup, [x], [y]))).toBeLessThanOrEqual(5 * standardError)
  })
})

/** K with the sign of every G(x + y) term flipped: the alternative the Monte-Carlo test must reject. */
function flippedSumKernel(setup: SpectralSetup, x: number[], y: number[]): number {
  // Written out from the spec table with the sign in front of every beta G(x + y) reversed.
  const beta = setup.bias ? Math.exp(-2 * setup.sigmaB ** 2) : 1
  let dot = 0
  let differenceSquared = 0
  let sumSquared = 0
  for (let l = 0; l < setup.dim; l++) {
    dot += x[l] * y[l]
    differenceSquared += (x[l] - y[l]) ** 2
    sumSquared += (x[l] + y[l]) ** 2
  }
  let value = 0
  setup.scales.forEach((alpha, j) => {
    const c2 = setup.amplitude === 'scale' ? alpha ** (2 * setup.dim) : 1
    const weight = c2 * setup.groupWeights[j]
    const h = (alpha * setup.sigmaW) ** 2 / 2
    const gMinus = Math.exp(-h * differenceSquared)
    const gPlus = Math.exp(-h * sumSquared)
    const s2 = setup.sigmaA ** 2
    for (const p of setup.trained) {
      if (p === 'a') value += weight * 0.5 * (gMinus + beta * gPlus)
      if (p === 'b' && setup.bias) value += weight * 0.5 * s2 * (gMinus - beta * gPlus)
      if (p === 'w') value += weight * 0.5 * s2 * alpha * alpha * dot * (gMinus - beta * gPlus)
    }
  })
  return value
}

describe('ntkKernelMatrix', () => {
  it('is symmetric, equals ntkKernelValue entry by entry, and reuses out (d = 1 and d = 2)', () => {
    // Same arithmetic in both paths up to the order of the x . y and |x -+ y|^2 sums: 1e-14 relative.
    for (const dim of [1, 2] as const) {
      const normal = normalSource(5 + dim)
      const count = 37
      const points = new Float64Array(count * dim)
      for (let i = 0; i < points.length; i++) points[i] = 1.5 * normal()
      const setup = setupOf({ dim, scales: [1, 2, 4, 8], amplitude: 'scale', sigmaB: 0.6, sigmaA: 1.1 })
      const out = new Float64Array(count * count).fill(Number.NaN)
      const matrix = ntkKernelMatrix(setup, points, out)
      expect(matrix).toBe(out)
      const kernel = createNtkKernel(setup)
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < count; k++) {
          expect(matrix[i * count + k]).toBe(matrix[k * count + i])
          const value = kernel(points.subarray(i * dim, (i + 1) * dim), points.subarray(k * dim, (k + 1) * dim))
          expect(Math.abs(matrix[i * count + k] - value)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(value)))
        }
      }
    }
  })

  it('adds the contributions of the trained parameters; b without bias adds nothing', () => {
    // Sums of the same floating-point terms in a different order: 1e-13 relative to the largest entry.
    const dim = 2 as const
    const normal = normalSource(11)
    const count = 25
    const points = new Float64Array(count * dim)
    for (let i = 0; i < points.length; i++) points[i] = normal()
    for (const bias of [true, false]) {
      const base = { dim, scales: [1, 3], amplitude: 'scale' as const, bias, sigmaB: 0.7 }
      const full = ntkKernelMatrix(setupOf({ ...base, trained: ['a', 'w', 'b'] }), points)
      const parts = (['a', 'w', 'b'] as const).map((p) => ntkKernelMatrix(setupOf({ ...base, trained: [p] }), points))
      const largest = full.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
      for (let n = 0; n < full.length; n++) {
        expect(Math.abs(full[n] - (parts[0][n] + parts[1][n] + parts[2][n]))).toBeLessThanOrEqual(1e-13 * largest)
      }
      if (!bias) expect(parts[2].every((v) => v === 0)).toBe(true)
      else expect(parts[2].some((v) => v !== 0)).toBe(true)
    }
  })

  it('matches a value worked out by hand and is positive on the diagonal', () => {
    // d = 1, one scale alpha = 2, amplitude "scale" (c^2 = 4), all trained, sigma_a = 1.1, sigma_w = sigma_b = 1,
    // x = 0.5, y = 0.25: G(x - y) = exp(-2 * 0.0625), G(x + y) = exp(-2 * 0.5625), beta = e^-2,
    // K = 4 [1/2 (G- - beta G+) + 1.21/2 (G- + beta G+) + 1.21 * 4 * 0.125 / 2 (G- + beta G+)].
    // Same formula evaluated in another order: 1e-15 relative.
    const setup = setupOf({ scales: [2], groupWeights: [1], amplitude: 'scale', sigmaA: 1.1 })
    const gMinus = Math.exp(-0.125)
    const gPlus = Math.exp(-1.125)
    const beta = Math.exp(-2)
    const expected = 4 * (0.5 * (gMinus - beta * gPlus) + 0.605 * (gMinus + beta * gPlus) + 1.21 * 0.25 * (gMinus + beta * gPlus))
    expect(Math.abs(ntkKernelValue(setup, [0.5], [0.25]) - expected)).toBeLessThanOrEqual(1e-15 * expected)
    expect(ntkKernelValue(setup, [0.3], [0.3])).toBeGreaterThan(0)
  })

  it('refuses malformed input with a readable message', () => {
    const setup = setupOf({ dim: 2 })
    expect(() => ntkKernelMatrix(setup, new Float64Array(5))).toThrow(/multiple of setup.dim = 2/)
    expect(() => ntkKernelMatrix(setup, new Float64Array(4), new Float64Array(3))).toThrow(/expected N \* N = 4/)
    expect(() => ntkKernelValue(setup, [1], [1, 2])).toThrow(/setup.dim = 2/)
    expect(() => ntkKernelValue(setupOf({ groupWeights: [1] }), [1], [1])).toThrow(/groupWeights has 1 entries/)
    expect(() => ntkKernelValue(setupOf({ sigmaW: 0 }), [1], [1])).toThrow(/sigmaW/)
  })
})
