import { describe, expect, it } from 'vitest'
import type { Amplitude, TrainedParameter } from '../../../src/shared/project/experimentTypes'
import { diffusionCoefficients, gaussianTransform } from '../../../src/shared/spectral/diffusionCoefficients'
import { createNtkKernel, ntkKernelMatrix } from '../../../src/shared/spectral/ntkKernel'
import type { SpectralSetup } from '../../../src/shared/spectral/spectralSetup'
import { setupOf } from '../../helpers/spectralSetups'

/*
 * The identity under test (spec section 4). For real u with transform u_hat = P + i Q and
 * v(x) = integral K(x, y) u(y) dy over R^d (K of spec section 3),
 *
 *   Re v_hat = R_re P - div(D_re grad P),    Im v_hat = R_im Q - div(D_im grad Q),
 *
 * so that du/dt = -v becomes the diffusion equations. Derivation of the signs: the G(x - y) terms
 * are convolutions (v_hat = G_hat u_hat); the G(x + y) terms convolve G with u(-.), whose transform
 * is u_hat(-xi) = conj(u_hat(xi)) = P - i Q; and x . y = sum_l x_l y_l turns into
 * FT[x_l h] = (i / 2 pi) d/dxi_l h_hat applied twice, -div(G_hat grad u_hat) / (4 pi^2) on G(x - y)
 * and +div(G_hat grad conj(u_hat)) / (4 pi^2) on G(x + y).
 *
 * Left side: v by trapezoid quadrature of the kernel against u on a wide grid, then v_hat by the
 * trapezoid rule again, written out here (independent of fourierTransform.ts). Right side: u is a
 * shifted Gaussian, so P, Q and their gradients are exact closed forms; only the divergence of the
 * flux D grad P is differentiated numerically (fourth-order central differences, step 1e-3).
 */

const TWO_PI = 2 * Math.PI
/** Test function u(x) = exp(-|x - mu|^2 / (2 s^2)): both even and odd parts, so P and Q are both nonzero. */
const WIDTH = 0.6
const SHIFT = [0.5, -0.3]
/** Step of the fourth-order central difference of the flux. */
const DELTA = 1e-3


function testFunction(x: ArrayLike<number>, dim: number): number {
  let r2 = 0
  for (let l = 0; l < dim; l++) r2 += (x[l] - SHIFT[l]) ** 2
  return Math.exp(-r2 / (2 * WIDTH * WIDTH))
}

/**
 * Closed-form transform of the test function and its gradient at xi:
 * u_hat = A exp(-2 pi i xi . mu), A = (s sqrt(2 pi))^d exp(-2 pi^2 s^2 |xi|^2), so
 * P = A cos(2 pi xi . mu), Q = -A sin(2 pi xi . mu), d_l A = -4 pi^2 s^2 xi_l A,
 * d_l P = d_l A cos - 2 pi mu_l A sin,  d_l Q = -d_l A sin - 2 pi mu_l A cos.
 */
function transformOfTestFunction(xi: ArrayLike<number>, dim: number, gradient: { P: number[]; Q: number[] }): { P: number; Q: number } {
  let xi2 = 0
  let phase = 0
  for (let l = 0; l < dim; l++) {
    xi2 += xi[l] * xi[l]
    phase += TWO_PI * xi[l] * SHIFT[l]
  }
  const amplitude = (WIDTH * Math.sqrt(TWO_PI)) ** dim * Math.exp(-2 * Math.PI * Math.PI * WIDTH * WIDTH * xi2)
  const c = Math.cos(phase)
  const s = Math.sin(phase)
  for (let l = 0; l < dim; l++) {
    const dA = -4 * Math.PI * Math.PI * WIDTH * WIDTH * xi[l] * amplitude
    gradient.P[l] = dA * c - TWO_PI * SHIFT[l] * amplitude * s
    gradient.Q[l] = -dA * s - TWO_PI * SHIFT[l] * amplitude * c
  }
  return { P: amplitude * c, Q: -amplitude * s }
}

/**
 * Right side R P - div(D grad P) (and the same for Q) at each frequency, with the coefficients
 * from diffusionCoefficients at xi and at xi +- DELTA e_l, xi +- 2 DELTA e_l.
 * With `swap` the real and imaginary coefficients are exchanged (the sign error the test must catch).
 */
function diffusionSide(setup: SpectralSetup, xi: Float64Array, swap = false): { re: Float64Array; im: Float64Array } {
  const d = setup.dim
  const count = xi.length / d
  const offsets = [-2, -1, 1, 2]
  const stencil = [1, -8, 8, -1]
  // Layout: for each frequency p, 1 + 4 d shifted copies.
  const per = 1 + 4 * d
  const shifted = new Float64Array(count * per * d)
  for (let p = 0; p < count; p++) {
    for (let n = 0; n < per; n++) {
      for (let l = 0; l < d; l++) shifted[(p * per + n) * d + l] = xi[p * d + l]
    }
    for (let l = 0; l < d; l++) {
      offsets.forEach((o, n) => {
        shifted[(p * per + 1 + 4 * l + n) * d + l] += o * DELTA
      })
    }
  }
  const coefficients = diffusionCoefficients(setup, shifted)
  const rre = swap ? coefficients.Rim : coefficients.Rre
  const rim = swap ? coefficients.Rre : coefficients.Rim
  const dre = swap ? coefficients.Dim : coefficients.Dre
  const dim = swap ? coefficients.Dre : coefficients.Dim
  const re = new Float64Array(count)
  const im = new Float64Array(count)
  const gradient = { P: [0, 0], Q: [0, 0] }
  const point = new Float64Array(d)
  for (let p = 0; p < count; p++) {
    const centre = p * per
    const { P, Q } = transformOfTestFunction(xi.subarray(p * d, p * d + d), d, gradient)
    let divergenceP = 0
    let divergenceQ = 0
    for (let l = 0; l < d; l++) {
      offsets.forEach((_, n) => {
        const index = centre + 1 + 4 * l + n
        for (let k = 0; k < d; k++) point[k] = shifted[index * d + k]
        transformOfTestFunction(point, d, gradient)
        divergenceP += (stencil[n] * dre[index] * gradient.P[l]) / (12 * DELTA)
        divergenceQ += (stencil[n] * dim[index] * gradient.Q[l]) / (12 * DELTA)
      })
    }
    re[p] = rre[centre] * P - divergenceP
    im[p] = rim[centre] * Q - divergenceQ
  }
  return { re, im }
}

/** Trapezoid transform of v sampled on a uniform grid with cell volume `cell`: Re and Im of v_hat. */
function numericalTransform(points: Float64Array, values: Float64Array, cell: number, xi: Float64Array, d: number): { re: Float64Array; im: Float64Array } {
  const count = xi.length / d
  const re = new Float64Array(count)
  const im = new Float64Array(count)
  for (let p = 0; p < count; p++) {
    for (let i = 0; i < values.length; i++) {
      let phase = 0
      for (let l = 0; l < d; l++) phase += TWO_PI * xi[p * d + l] * points[i * d + l]
      re[p] += cell * values[i] * Math.cos(phase)
      im[p] -= cell * values[i] * Math.sin(phase)
    }
  }
  return { re, im }
}

function largestDifference(a: { re: Float64Array; im: Float64Array }, b: { re: Float64Array; im: Float64Array }): { error: number; scale: number } {
  let error = 0
  let scale = 0
  for (let p = 0; p < a.re.length; p++) {
    error = Math.max(error, Math.abs(a.re[p] - b.re[p]), Math.abs(a.im[p] - b.im[p]))
    scale = Math.max(scale, Math.abs(b.re[p]), Math.abs(b.im[p]))
  }
  return { error, scale }
}

const SUBSETS: TrainedParameter[][] = [['a'], ['w'], ['b'], ['a', 'w'], ['a', 'b'], ['w', 'b'], ['a', 'w', 'b']]

describe('diffusionCoefficients against the Fourier transform of the kernel operator', () => {
  // Error budget, d = 1: the integrands are Gaussians (times polynomials) of width >= 0.19 sampled
  // at h = 0.05, so the trapezoid rule errs by about exp(-2 pi^2 (0.19 / 0.05)^2), far below
  // rounding; on [-10, 10] the truncated tails are below exp(-30) of the peak; the flux difference
  // errs by about DELTA^4 F^(5) / 30 ~ 1e-9 of the peak. Tolerance 1e-8 of the largest |v_hat|.
  const halfWidth = 10
  const step = 0.05
  const gridCount = Math.round((2 * halfWidth) / step) + 1
  const grid = new Float64Array(gridCount)
  for (let n = 0; n < gridCount; n++) grid[n] = -halfWidth + n * step
  const u = grid.map((x) => testFunction([x], 1))
  const xi = new Float64Array(31)
  for (let p = 0; p < xi.length; p++) xi[p] = -1.5 + 0.1 * p

  const parameterSets: { label: string; values: Partial<SpectralSetup> }[] = [
    { label: 'scales 1,2,4, sigma (0.9, 1.2, 0.8)', values: { scales: [1, 2, 4], groupWeights: [1 / 3, 1 / 3, 1 / 3], sigmaA: 0.9, sigmaW: 1.2, sigmaB: 0.8 } },
    { label: 'scales 1,3, shares 0.6/0.4, sigma 1', values: { scales: [1, 3], groupWeights: [0.6, 0.4] } },
  ]
  const amplitudes: Amplitude[] = ['none', 'scale']

  for (const { label, values } of parameterSets) {
    it(`d = 1, ${label}: every trained subset, bias on and off, both amplitudes`, () => {
      const kernelTimesU = new Float64Array(gridCount)
      let worst = 0
      for (const bias of [true, false]) {
        for (const amplitude of amplitudes) {
          for (const trained of SUBSETS) {
            const setup = setupOf({ ...values, dim: 1, bias, amplitude, trained })
            const matrix = ntkKernelMatrix(setup, grid)
            for (let i = 0; i < gridCount; i++) {
              let sum = 0
              for (let k = 0; k < gridCount; k++) sum += matrix[i * gridCount + k] * u[k]
              kernelTimesU[i] = step * sum
            }
            const left = numericalTransform(grid, kernelTimesU, step, xi, 1)
            const right = diffusionSide(setup, xi)
            const { error, scale } = largestDifference(left, right)
            const name = `${trained.join('')} bias=${bias} ${amplitude}`
            if (!bias && trained.length === 1 && trained[0] === 'b') {
              // Without bias, b is not a parameter: the operator and every coefficient vanish exactly.
              expect(scale, name).toBe(0)
              expect(kernelTimesU.every((v) => v === 0), name).toBe(true)
              continue
            }
            expect(scale, name).toBeGreaterThan(0.01)
            expect(error, name).toBeLessThanOrEqual(1e-8 * scale)
            worst = Math.max(worst, error / scale)
            if (trained.length === 3) {
              // Sensitivity: exchanging the real and imaginary coefficients (acting on u_hat instead of
              // conj(u_hat) in the G(x + y) terms) must miss by far more than the tolerance.
              const swapped = largestDifference(left, diffusionSide(setup, xi, true))
              expect(swapped.error, name).toBeGreaterThan(1e-2 * scale)
            }
          }
        }
      }
      expect(worst).toBeLessThan(1e-8)
    })
  }

  it('d = 2: a, w, b with bias and amplitude "scale"; a, w without bias', () => {
    // Grid h = 0.25 on [-10, 10]^2: the narrowest integrand (alpha = 2 group times u) has width
    // 0.38, so the trapezoid error is near exp(-2 pi^2 (0.38 / 0.25)^2) ~ 1e-20; tails at |x| = 10
    // are below exp(-32). u is summed where it exceeds 1e-20 (|y - mu| < 5.8). Tolerance 1e-8 of max |v_hat|.
    const d = 2
    const halfWidth2 = 10
    const step2 = 0.25
    const perAxis = Math.round((2 * halfWidth2) / step2) + 1
    const points = new Float64Array(perAxis * perAxis * d)
    for (let i = 0; i < perAxis; i++) {
      for (let k = 0; k < perAxis; k++) {
        points[(i * perAxis + k) * d] = -halfWidth2 + i * step2
        points[(i * perAxis + k) * d + 1] = -halfWidth2 + k * step2
      }
    }
    const pointCount = perAxis * perAxis
    const support: number[] = []
    const uValues: number[] = []
    for (let n = 0; n < pointCount; n++) {
      const value = testFunction(points.subarray(n * d, n * d + d), d)
      if (value > 1e-20) {
        support.push(n)
        uValues.push(value)
      }
    }
    const xi = new Float64Array(2 * 25)
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 5; k++) {
        xi[(i * 5 + k) * 2] = -0.8 + 0.4 * i
        xi[(i * 5 + k) * 2 + 1] = -0.7 + 0.35 * k
      }
    }
    const cases: Partial<SpectralSetup>[] = [
      { bias: true, amplitude: 'scale', trained: ['a', 'w', 'b'], sigmaB: 0.8 },
      { bias: false, amplitude: 'none', trained: ['a', 'w'], groupWeights: [0.7, 0.3] },
    ]
    const x = new Float64Array(d)
    const y = new Float64Array(d)
    const v = new Float64Array(pointCount)
    for (const values of cases) {
      const setup = setupOf({ dim: 2, scales: [1, 2], ...values })
      const kernel = createNtkKernel(setup)
      for (let i = 0; i < pointCount; i++) {
        x[0] = points[i * d]
        x[1] = points[i * d + 1]
        let sum = 0
        for (let s = 0; s < support.length; s++) {
          y[0] = points[support[s] * d]
          y[1] = points[support[s] * d + 1]
          sum += kernel(x, y) * uValues[s]
        }
        v[i] = step2 * step2 * sum
      }
      const left = numericalTransform(points, v, step2 * step2, xi, d)
      const right = diffusionSide(setup, xi)
      const { error, scale } = largestDifference(left, right)
      expect(scale).toBeGreaterThan(0.01)
      expect(error, JSON.stringify(values)).toBeLessThanOrEqual(1e-8 * scale)
    }
  })
})

describe('diffusionCoefficients: special cases of spec section 4', () => {
  const xi = new Float64Array(41)
  for (let p = 0; p < xi.length; p++) xi[p] = 0.05 * p

  it('without bias, a and w trained: R_re = D_re = 0 and R_im, D_im in closed form', () => {
    // R_im = sum (c^2/S) G_hat, D_im = sum (c^2/S) sigma_a^2 alpha^2 G_hat / (4 pi^2), written out by hand
    // for d = 1, scales 1, 2, amplitude "scale" (c^2 = alpha^2), sigma_a = 1.3, sigma_w = 1:
    // G_hat = sqrt(2 pi) / alpha exp(-2 pi^2 xi^2 / alpha^2). Tolerance 1e-14 relative (rounding).
    const setup = setupOf({ bias: false, trained: ['a', 'w'], amplitude: 'scale', scales: [1, 2], sigmaA: 1.3 })
    const c = diffusionCoefficients(setup, xi)
    for (let p = 0; p < xi.length; p++) {
      expect(c.Rre[p]).toBe(0)
      expect(c.Dre[p]).toBe(0)
      const g1 = Math.sqrt(TWO_PI) * Math.exp(-2 * Math.PI ** 2 * xi[p] ** 2)
      const g2 = (Math.sqrt(TWO_PI) / 2) * Math.exp((-2 * Math.PI ** 2 * xi[p] ** 2) / 4)
      const rim = 0.5 * g1 + 0.5 * 4 * g2
      const dim = (0.5 * 1.69 * g1 + 0.5 * 4 * 1.69 * 4 * g2) / (4 * Math.PI ** 2)
      expect(Math.abs(c.Rim[p] - rim)).toBeLessThanOrEqual(1e-14 * rim)
      expect(Math.abs(c.Dim[p] - dim)).toBeLessThanOrEqual(1e-14 * dim)
    }
  })

  it("the review's configuration: bias N(0,1), w and b trained, a frozen, amplitude alpha^d", () => {
    // Spec section 4 evaluated by hand for d = 1, scales 1, 2, 4, 8 (c^2 = alpha^2, shares 1/4):
    // R_re = sum alpha^2/4 G_hat (1 + e^-2)/2,  R_im = sum alpha^2/4 G_hat (1 - e^-2)/2,
    // D_re = sum alpha^4/4 G_hat (1 - e^-2)/(8 pi^2),  D_im = sum alpha^4/4 G_hat (1 + e^-2)/(8 pi^2).
    // Tolerance 1e-14 relative (rounding).
    const scales = [1, 2, 4, 8]
    const setup = setupOf({ scales, amplitude: 'scale', trained: ['w', 'b'] })
    const c = diffusionCoefficients(setup, xi)
    const beta = Math.exp(-2)
    for (let p = 0; p < xi.length; p++) {
      let rre = 0
      let rim = 0
      let dre = 0
      let dim = 0
      for (const alpha of scales) {
        const g = (Math.sqrt(TWO_PI) / alpha) * Math.exp((-2 * Math.PI ** 2 * xi[p] ** 2) / alpha ** 2)
        rre += (alpha ** 2 / 4) * g * (1 + beta) / 2
        rim += (alpha ** 2 / 4) * g * (1 - beta) / 2
        dre += (alpha ** 4 / 4) * g * (1 - beta) / (8 * Math.PI ** 2)
        dim += (alpha ** 4 / 4) * g * (1 + beta) / (8 * Math.PI ** 2)
      }
      expect(Math.abs(c.Rre[p] - rre)).toBeLessThanOrEqual(1e-14 * rre)
      expect(Math.abs(c.Rim[p] - rim)).toBeLessThanOrEqual(1e-14 * rim)
      expect(Math.abs(c.Dre[p] - dre)).toBeLessThanOrEqual(1e-14 * dre)
      expect(Math.abs(c.Dim[p] - dim)).toBeLessThanOrEqual(1e-14 * dim)
    }
  })

  it('more scales widen the support of the coefficients', () => {
    // Spec section 4: group j reaches |xi| ~ alpha_j sigma_w / (2 pi). At xi = 1 the single-scale
    // R_im is exp(-2 pi^2) ~ 2.7e-9 of its peak; with scales 1, 2, 4, 8 (amplitude "none") it is
    // sum alpha^-1 exp(-2 pi^2 / alpha^2) / sum alpha^-1 ~ 0.09 of its peak.
    const one = diffusionCoefficients(setupOf({ scales: [1], trained: ['a'] }), Float64Array.of(0, 1))
    const many = diffusionCoefficients(setupOf({ scales: [1, 2, 4, 8], trained: ['a'] }), Float64Array.of(0, 1))
    expect(one.Rim[1] / one.Rim[0]).toBeLessThan(1e-8)
    expect(many.Rim[1] / many.Rim[0]).toBeGreaterThan(0.05)
  })

  it('writes into out and refuses wrong lengths with a readable message', () => {
    const setup = setupOf({ dim: 2 })
    const out = { Rre: new Float64Array(2), Rim: new Float64Array(2), Dre: new Float64Array(2), Dim: new Float64Array(2) }
    expect(diffusionCoefficients(setup, Float64Array.of(0, 0, 0.3, 0.4), out)).toBe(out)
    expect(out.Rre[0]).toBeGreaterThan(out.Rre[1])
    expect(() => diffusionCoefficients(setup, new Float64Array(3))).toThrow(/multiple of setup.dim = 2/)
    expect(() => diffusionCoefficients(setup, new Float64Array(6), out)).toThrow(/out.Rre has length 2; expected P = 3/)
  })
})

describe('gaussianTransform', () => {
  it('is the Fourier transform of exp(-alpha^2 sigma_w^2 |z|^2 / 2) in d = 1 and d = 2', () => {
    // Trapezoid rule on [-12/(alpha sigma_w), 12/(alpha sigma_w)] with 1201 points: spectrally accurate for a
    // Gaussian (error ~ exp(-2 pi^2 (100 / 12)^2)), tails below exp(-72). Tolerance 1e-12 of G_hat(0).
    for (const [alpha, sigmaW] of [
      [1, 1],
      [3, 0.7],
    ]) {
      const s = alpha * sigmaW
      const half = 12 / s
      const n = 1201
      const h = (2 * half) / (n - 1)
      for (const xiValue of [0, 0.13, 0.4, 0.9]) {
        let re = 0
        for (let i = 0; i < n; i++) {
          const z = -half + i * h
          re += h * Math.exp((-s * s * z * z) / 2) * Math.cos(TWO_PI * xiValue * z)
        }
        const peak = gaussianTransform(alpha, sigmaW, 1, 0)
        expect(Math.abs(gaussianTransform(alpha, sigmaW, 1, xiValue ** 2) - re)).toBeLessThanOrEqual(1e-12 * peak)
        // d = 2 factorises: G_hat_2(xi1, xi2) = G_hat_1(xi1) G_hat_1(xi2).
        const other = 0.25
        let reOther = 0
        for (let i = 0; i < n; i++) {
          const z = -half + i * h
          reOther += h * Math.exp((-s * s * z * z) / 2) * Math.cos(TWO_PI * other * z)
        }
        const peak2 = gaussianTransform(alpha, sigmaW, 2, 0)
        expect(Math.abs(gaussianTransform(alpha, sigmaW, 2, xiValue ** 2 + other ** 2) - re * reOther)).toBeLessThanOrEqual(1e-12 * peak2)
      }
    }
  })
})
