import { describe, expect, it } from 'vitest'
import { symmetricEigen } from '../../../src/shared/linalg/symmetricEigen'
import { diffusionCoefficients } from '../../../src/shared/spectral/diffusionCoefficients'
import { createDiffusionSolver1d, type OriginCondition } from '../../../src/shared/spectral/diffusionSolver1d'
import { uniformFrequencyGrid } from '../../../src/shared/spectral/frequencyGrid'
import type { SpectralSetup } from '../../../src/shared/spectral/spectralSetup'

/**
 * The solver (rational approximation of exp(-t B), O(M) per time) against the dense path it
 * replaced: B = W^{-1/2} A W^{-1/2} assembled here from the same finite-volume formulas and
 * decomposed by ml-matrix, u(t) = W^{-1/2} V exp(-t lambda) V^T W^{1/2} u(0).
 */
function denseSolution(xi: Float64Array, diffusion: Float64Array, reaction: Float64Array, origin: OriginCondition) {
  const count = xi.length
  const h = xi[count - 1] / (count - 1)
  const first = origin === 'dirichlet' ? 1 : 0
  const n = count - first
  const width = Float64Array.from({ length: n }, (_, a) => ((a + first === count - 1 || (a + first === 0 && origin === 'neumann')) ? h / 2 : h))
  const matrix = new Float64Array(n * n)
  for (let a = 0; a < n; a++) {
    const i = a + first
    let diagonal = width[a] * reaction[i]
    if (i >= 1) diagonal += (diffusion[i - 1] + diffusion[i]) / (2 * h)
    if (i <= count - 2) {
      const conductance = (diffusion[i] + diffusion[i + 1]) / (2 * h)
      diagonal += conductance
      matrix[a * n + a + 1] = matrix[(a + 1) * n + a] = -conductance / Math.sqrt(width[a] * width[a + 1])
    }
    matrix[a * n + a] = diagonal / width[a]
  }
  const { values, vectors } = symmetricEigen(matrix, n)
  return {
    norm: values[n - 1],
    evolve(initial: Float64Array, t: number) {
      const c = new Float64Array(n)
      for (let a = 0; a < n; a++) for (let k = 0; k < n; k++) c[k] += vectors[a * n + k] * Math.sqrt(width[a]) * initial[a + first]
      for (let k = 0; k < n; k++) c[k] *= Math.exp(-t * values[k])
      const out = new Float64Array(count)
      for (let a = 0; a < n; a++) {
        let sum = 0
        for (let k = 0; k < n; k++) sum += vectors[a * n + k] * c[k]
        out[a + first] = sum / Math.sqrt(width[a])
      }
      return out
    },
  }
}

describe('createDiffusionSolver1d against the dense eigendecomposition', () => {
  const setup: SpectralSetup = {
    dim: 1, scales: [1, 2, 4, 8], groupWeights: [0.25, 0.25, 0.25, 0.25], amplitude: 'scale', bias: true,
    trained: ['a', 'w', 'b'], sigmaA: 1, sigmaW: 1, sigmaB: 1,
  }
  const xi = uniformFrequencyGrid(4, 241)
  const { Rre, Rim, Dre, Dim } = diffusionCoefficients(setup, xi)
  const initial = xi.map((x) => Math.exp(-((x - 1.4) ** 2) * 8) + 0.5 * Math.exp(-((x - 0.6) ** 2) * 20))
  for (const [origin, diffusion, reaction] of [['neumann', Dre, Rre], ['dirichlet', Dim, Rim]] as const) {
    it(`spec coefficients of scales {1,2,4,8} with bias (${origin} origin), t from 1e-4 to 100`, () => {
      const solver = createDiffusionSolver1d({ xi, diffusion, reaction, originCondition: origin })
      const dense = denseSolution(xi, diffusion, reaction, origin)
      let initialNorm = 0
      for (const value of initial) initialNorm = Math.max(initialNorm, Math.abs(value))
      for (const t of [1e-4, 1e-2, 0.25, 1, 4, 100]) {
        const fast = solver.evolve(initial, t)
        const reference = dense.evolve(initial, t)
        let error = 0
        for (let i = 0; i < xi.length; i++) error = Math.max(error, Math.abs(fast[i] - reference[i]))
        // CRAM-16: 3e-14 of |u(0)|_W (a few times that pointwise); the dense reference: eigenvalue
        // errors ~M eps |B| move exp(-t lambda) by up to t M eps |B| e^{-t lambda} <= M eps |B| / e
        // (~1e-10 for |B| ~ 5e6 here). Tolerance 1e-12 + min(t, 1/lambda_1) M eps |B|, relative to
        // max |u(0)|; observed far below.
        const tolerance = 1e-12 + Math.min(t * xi.length * Number.EPSILON * dense.norm, 2e-10)
        if (process.env.NTK_TEST_VERBOSE) console.log(origin, t, (error / initialNorm).toExponential(2), tolerance.toExponential(2))
        expect(error / initialNorm, `t = ${t}`).toBeLessThan(tolerance)
      }
    })
  }
})
