import { describe, expect, it } from 'vitest'
import { createSpectrumTransform } from '../../../src/shared/spectral/fourierTransform'
import { uniformFrequencyGrid } from '../../../src/shared/spectral/frequencyGrid'

const TWO_PI = 2 * Math.PI

/** Uniform grid on [-L, L] with n points and trapezoid weights (h/2 at the two ends). */
function trapezoidGrid(halfWidth: number, n: number): { points: Float64Array; weights: Float64Array; step: number } {
  const step = (2 * halfWidth) / (n - 1)
  const points = new Float64Array(n)
  const weights = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    points[i] = -halfWidth + i * step
    weights[i] = i === 0 || i === n - 1 ? step / 2 : step
  }
  return { points, weights, step }
}

function largest(values: Float64Array): number {
  return values.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
}

describe('createSpectrumTransform against closed-form transforms', () => {
  it('shifted Gaussian, d = 1', () => {
    // u = exp(-(x - mu)^2 / (2 s^2)): u_hat = s sqrt(2 pi) exp(-2 pi^2 s^2 xi^2) exp(-2 pi i xi mu).
    // s = 0.5, mu = 0.7 on [-6, 6] with h = 0.05: tails below exp(-56); the trapezoid rule on a
    // Gaussian errs by about exp(-2 pi^2 s^2 (1/h - xi)^2) (aliasing), far below rounding for xi <= 4.
    // Tolerance 1e-13 of the peak (rounding of a 241-term sum).
    const s = 0.5
    const mu = 0.7
    const { points, weights } = trapezoidGrid(6, 241)
    const xi = uniformFrequencyGrid(4, 81)
    const transform = createSpectrumTransform(points, weights, xi, 1)
    expect(transform.pointCount).toBe(241)
    expect(transform.frequencyCount).toBe(81)
    const values = points.map((x) => Math.exp(-((x - mu) ** 2) / (2 * s * s)))
    const P = new Float64Array(81)
    const Q = new Float64Array(81)
    transform.apply(values, P, Q)
    const peak = s * Math.sqrt(TWO_PI)
    for (let p = 0; p < xi.length; p++) {
      const amplitude = peak * Math.exp(-2 * Math.PI ** 2 * s * s * xi[p] ** 2)
      expect(Math.abs(P[p] - amplitude * Math.cos(TWO_PI * xi[p] * mu))).toBeLessThanOrEqual(1e-13 * peak)
      expect(Math.abs(Q[p] + amplitude * Math.sin(TWO_PI * xi[p] * mu))).toBeLessThanOrEqual(1e-13 * peak)
    }
    // The transform is not trivially small where it should not be: Q is of order the peak somewhere.
    expect(largest(Q)).toBeGreaterThan(0.3 * peak)
  })

  it('shifted Gaussian, d = 2, tabulated and on the fly', () => {
    // u = exp(-|x - mu|^2 / (2 s^2)), s = 0.6, mu = (0.4, -0.3) on [-6, 6]^2, h = 0.125 (97^2 points):
    // u_hat = 2 pi s^2 exp(-2 pi^2 s^2 |xi|^2) exp(-2 pi i xi . mu). Tails below exp(-40); aliasing
    // below exp(-2 pi^2 s^2 (8 - 1.5)^2) ~ exp(-300). Tolerance 1e-12 of the peak (rounding of ~1e4 terms).
    const s = 0.6
    const mu = [0.4, -0.3]
    const axis = trapezoidGrid(6, 97)
    const n = axis.points.length
    const points = new Float64Array(n * n * 2)
    const weights = new Float64Array(n * n)
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        points[(i * n + k) * 2] = axis.points[i]
        points[(i * n + k) * 2 + 1] = axis.points[k]
        weights[i * n + k] = axis.weights[i] * axis.weights[k]
      }
    }
    const xi = new Float64Array(2 * 49)
    for (let i = 0; i < 7; i++) {
      for (let k = 0; k < 7; k++) {
        xi[(i * 7 + k) * 2] = -1.5 + 0.5 * i
        xi[(i * 7 + k) * 2 + 1] = -1.2 + 0.4 * k
      }
    }
    const values = new Float64Array(n * n)
    for (let m = 0; m < n * n; m++) values[m] = Math.exp(-((points[2 * m] - mu[0]) ** 2 + (points[2 * m + 1] - mu[1]) ** 2) / (2 * s * s))
    const peak = TWO_PI * s * s
    const tabulated = createSpectrumTransform(points, weights, xi, 2)
    const onTheFly = createSpectrumTransform(points, weights, xi, 2, { maxTableEntries: 0 })
    const P = new Float64Array(49)
    const Q = new Float64Array(49)
    const P2 = new Float64Array(49)
    const Q2 = new Float64Array(49)
    tabulated.apply(values, P, Q)
    onTheFly.apply(values, P2, Q2)
    for (let p = 0; p < 49; p++) {
      const x0 = xi[2 * p]
      const x1 = xi[2 * p + 1]
      const amplitude = peak * Math.exp(-2 * Math.PI ** 2 * s * s * (x0 * x0 + x1 * x1))
      const phase = TWO_PI * (x0 * mu[0] + x1 * mu[1])
      expect(Math.abs(P[p] - amplitude * Math.cos(phase))).toBeLessThanOrEqual(1e-12 * peak)
      expect(Math.abs(Q[p] + amplitude * Math.sin(phase))).toBeLessThanOrEqual(1e-12 * peak)
      // Same expressions in the same order: identical to the last bit.
      expect(P2[p]).toBe(P[p])
      expect(Q2[p]).toBe(Q[p])
    }
  })

  it('a function vanishing at the ends of [-L, L]: the spec reference target shape', () => {
    // u = p(x) (sin x + 0.8 sin 4x + 0.6 cos 9x), p = (1 - (x/L)^2)^4, L = 4, 801 grid points.
    // Closed form: with J(theta) = integral_{-L}^{L} p(x) cos(theta x) dx (p is even),
    //   P = 0.3 [J(9 - 2 pi xi) + J(9 + 2 pi xi)],
    //   Q = -1/2 [J(1 - 2 pi xi) - J(1 + 2 pi xi)] - 0.4 [J(4 - 2 pi xi) - J(4 + 2 pi xi)].
    // The trapezoid rule: u and its first three derivatives vanish at +-L, so by Euler-Maclaurin the
    // error starts at B_6 h^6 / 6! [f^(5)] ~ 1e-12 / 30240 * 200 ~ 1e-14 (h = 0.01). Tolerance 1e-12 of max |u_hat| (observed 6e-15).
    const L = 4
    const { points, weights } = trapezoidGrid(L, 801)
    const xi = uniformFrequencyGrid(3, 121)
    const values = points.map((x) => (1 - (x / L) ** 2) ** 4 * (Math.sin(x) + 0.8 * Math.sin(4 * x) + 0.6 * Math.cos(9 * x)))
    const P = new Float64Array(xi.length)
    const Q = new Float64Array(xi.length)
    createSpectrumTransform(points, weights, xi, 1).apply(values, P, Q)
    const J = bumpCosineTransform(L)
    const expectedP = xi.map((v) => 0.3 * (J(9 - TWO_PI * v) + J(9 + TWO_PI * v)))
    const expectedQ = xi.map((v) => -0.5 * (J(1 - TWO_PI * v) - J(1 + TWO_PI * v)) - 0.4 * (J(4 - TWO_PI * v) - J(4 + TWO_PI * v)))
    const scale = Math.max(largest(expectedP), largest(expectedQ))
    expect(scale).toBeGreaterThan(0.5)
    for (let p = 0; p < xi.length; p++) {
      expect(Math.abs(P[p] - expectedP[p])).toBeLessThanOrEqual(1e-12 * scale)
      expect(Math.abs(Q[p] - expectedQ[p])).toBeLessThanOrEqual(1e-12 * scale)
    }
  })
})

/**
 * J(theta) = integral_{-L}^{L} (1 - x^2/L^2)^4 cos(theta x) dx in closed form.
 * |theta| >= 1: repeated integration by parts, sum_n p^(n)(x) T_n(theta x) / theta^(n+1) at x = +-L with
 * T_n cycling through sin, cos, -sin, -cos (exact: p has degree 8).
 * |theta| < 1: the series sum_m (-1)^m theta^(2m) / (2m)! integral p x^(2m) dx (terms below 1e-17 by m = 20).
 */
function bumpCosineTransform(L: number): (theta: number) => number {
  // Monomial coefficients of p: sum_k C(4,k) (-1)^k x^(2k) / L^(2k).
  const coefficients = new Float64Array(9)
  const binomial = [1, 4, 6, 4, 1]
  for (let k = 0; k <= 4; k++) coefficients[2 * k] = (binomial[k] * (-1) ** k) / L ** (2 * k)
  const derivativeAt = (order: number, x: number): number => {
    let value = 0
    for (let power = order; power <= 8; power++) {
      let factor = 1
      for (let r = 0; r < order; r++) factor *= power - r
      value += coefficients[power] * factor * x ** (power - order)
    }
    return value
  }
  const moment = (n: number): number => {
    // integral_{-L}^{L} p(x) x^n dx for even n
    let value = 0
    for (let power = 0; power <= 8; power++) value += (coefficients[power] * 2 * L ** (power + n + 1)) / (power + n + 1)
    return value
  }
  return (theta) => {
    if (Math.abs(theta) >= 1) {
      const antiderivative = (x: number): number => {
        let value = 0
        for (let n = 0; n <= 8; n++) {
          const angle = theta * x
          const trig = [Math.sin(angle), Math.cos(angle), -Math.sin(angle), -Math.cos(angle)][n % 4]
          value += (derivativeAt(n, x) * trig) / theta ** (n + 1)
        }
        return value
      }
      return antiderivative(L) - antiderivative(-L)
    }
    let value = 0
    let term = 1
    for (let m = 0; m <= 30; m++) {
      if (m > 0) term *= -(theta * theta) / ((2 * m - 1) * (2 * m))
      value += term * moment(2 * m)
    }
    return value
  }
}

describe('createSpectrumTransform paths and input checks', () => {
  it('tabulated and on-the-fly results are identical on irregular 1-D points', () => {
    // Random points and weights (a "random" sampling): both paths evaluate 2 pi xi x, cos, sin and the
    // sums in the same order, so they agree to the last bit.
    let state = 12345
    const uniform = (): number => {
      state = (state * 1103515245 + 12345) % 2147483648
      return state / 2147483648
    }
    const n = 300
    const points = Float64Array.from({ length: n }, () => 8 * uniform() - 4)
    const weights = new Float64Array(n).fill(8 / n)
    const values = Float64Array.from({ length: n }, () => uniform() - 0.5)
    const xi = uniformFrequencyGrid(5, 200)
    const P1 = new Float64Array(200)
    const Q1 = new Float64Array(200)
    const P2 = new Float64Array(200)
    const Q2 = new Float64Array(200)
    createSpectrumTransform(points, weights, xi, 1).apply(values, P1, Q1)
    createSpectrumTransform(points, weights, xi, 1, { maxTableEntries: 0 }).apply(values, P2, Q2)
    for (let p = 0; p < 200; p++) {
      expect(P2[p]).toBe(P1[p])
      expect(Q2[p]).toBe(Q1[p])
    }
    // Q(0) = 0 and P(0) = sum q_i u_i exactly.
    expect(Q1[0] === 0).toBe(true)
    expect(P1[0]).toBe(values.reduce((sum, v, i) => sum + weights[i] * v, 0))
  })

  it('copies its inputs and refuses wrong lengths with a readable message', () => {
    const points = Float64Array.of(-1, 0, 1)
    const weights = Float64Array.of(0.5, 1, 0.5)
    const xi = Float64Array.of(0, 0.25)
    const transform = createSpectrumTransform(points, weights, xi, 1)
    points[0] = 100
    weights[0] = 100
    const P = new Float64Array(2)
    const Q = new Float64Array(2)
    transform.apply(Float64Array.of(1, 1, 1), P, Q)
    expect(P[0]).toBe(2)
    // xi = 1/4: cos(-pi/2) ~ 0 and sin(+-pi/2) cancel, so P = 1, Q = 0 up to rounding.
    expect(Math.abs(P[1] - 1)).toBeLessThan(1e-15)
    expect(Math.abs(Q[1])).toBeLessThan(1e-15)
    expect(() => transform.apply(new Float64Array(2), P, Q)).toThrow(/values has length 2; expected N = 3/)
    expect(() => transform.apply(new Float64Array(3), new Float64Array(1), Q)).toThrow(/expected P = 2/)
    expect(() => createSpectrumTransform(points, new Float64Array(2), xi, 1)).toThrow(/weights has length 2; expected N = 3/)
    expect(() => createSpectrumTransform(points, weights, xi, 2)).toThrow(/multiple of dim = 2/)
  })
})

describe('uniformFrequencyGrid', () => {
  it('spans [0, xiMax] with equal steps and ends exactly at xiMax', () => {
    const grid = uniformFrequencyGrid(2.5, 11)
    expect(grid.length).toBe(11)
    expect(grid[0]).toBe(0)
    expect(grid[10]).toBe(2.5)
    for (let k = 1; k < 11; k++) expect(Math.abs(grid[k] - grid[k - 1] - 0.25)).toBeLessThan(1e-15)
  })

  it('refuses a bad range or count with a readable message', () => {
    expect(() => uniformFrequencyGrid(0, 10)).toThrow(/xiMax is 0/)
    expect(() => uniformFrequencyGrid(1, 1)).toThrow(/points is 1; expected an integer >= 2/)
    expect(() => uniformFrequencyGrid(1, 2.5)).toThrow(/integer/)
  })
})
