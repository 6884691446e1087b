import { describe, expect, it } from 'vitest'
import { createNtkPrediction, largestStableLearningRate } from '../../../src/shared/spectral/ntkPrediction'

/**
 * A test kernel written out here, independent of ntkKernel.ts: the a- and w-terms of the
 * bias-free sine NTK with one scale alpha (spec section 3), positive semi-definite by construction
 * (an expectation of products of features), on a trapezoid grid of [-L, L] so that Q is not a
 * multiple of the identity.
 */
function setupProblem(count: number, halfWidth: number, alpha: number) {
  const h = (2 * halfWidth) / (count - 1)
  const x = Float64Array.from({ length: count }, (_, i) => -halfWidth + i * h)
  const weights = Float64Array.from({ length: count }, (_, i) => (i === 0 || i === count - 1 ? h / 2 : h))
  const gaussian = (z: number) => Math.exp(-(alpha * alpha * z * z) / 2)
  const kernel = new Float64Array(count * count)
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < count; k++) {
      const minus = gaussian(x[i] - x[k])
      const plus = gaussian(x[i] + x[k])
      kernel[i * count + k] = 0.5 * (minus - plus) + 0.5 * alpha * alpha * x[i] * x[k] * (minus + plus)
    }
  }
  const u0 = x.map((v) => -(Math.sin(v) + 0.5 * Math.sin(3 * v)) * (1 - (v / halfWidth) ** 2))
  return { x, weights, kernel, u0 }
}

/** y = K Q u, written directly from its definition. */
function applyKernelOperator(kernel: Float64Array, weights: Float64Array, u: Float64Array, out: Float64Array): Float64Array {
  const n = weights.length
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let k = 0; k < n; k++) sum += kernel[i * n + k] * weights[k] * u[k]
    out[i] = sum
  }
  return out
}

function relativeDifference(a: Float64Array, b: Float64Array): number {
  let difference = 0
  let norm = 0
  for (let i = 0; i < a.length; i++) {
    difference += (a[i] - b[i]) ** 2
    norm += b[i] ** 2
  }
  return Math.sqrt(difference / norm)
}

describe('createNtkPrediction', () => {
  const { weights, kernel, u0 } = setupProblem(41, 2, 1.5)
  const n = weights.length
  const prediction = createNtkPrediction(kernel, weights)

  it('flow matches an independent RK4 integration of du/dt = -K Q u', () => {
    const t = 1.5
    // RK4 is stable for lambda dt < 2.78; dt = t / 3000 keeps lambda_max dt well below 1 and the
    // global error ~ t (lambda dt)^4 lambda / 120 far below the tolerance.
    const steps = 3000
    const dt = t / steps
    expect(prediction.lambdaMax * dt).toBeLessThan(0.05)
    const u = Float64Array.from(u0)
    const k1 = new Float64Array(n), k2 = new Float64Array(n), k3 = new Float64Array(n), k4 = new Float64Array(n)
    const stage = new Float64Array(n)
    for (let s = 0; s < steps; s++) {
      applyKernelOperator(kernel, weights, u, k1)
      for (let i = 0; i < n; i++) stage[i] = u[i] - 0.5 * dt * k1[i]
      applyKernelOperator(kernel, weights, stage, k2)
      for (let i = 0; i < n; i++) stage[i] = u[i] - 0.5 * dt * k2[i]
      applyKernelOperator(kernel, weights, stage, k3)
      for (let i = 0; i < n; i++) stage[i] = u[i] - dt * k3[i]
      applyKernelOperator(kernel, weights, stage, k4)
      for (let i = 0; i < n; i++) u[i] -= (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i])
    }
    const predicted = prediction.flow(u0, t)
    // RK4 global error ~ t lambda_max^5 dt^4 / 120 ~ 1e-13 and eigen rounding ~N eps (observed
    // 5e-15 in all): 1e-11 relative leaves room, while a wrong weighting (K instead of K Q, or
    // Q^{1/2} on the wrong side) misses by O(1).
    expect(relativeDifference(predicted, u)).toBeLessThan(1e-11)
    // The flow must actually have moved the error for the comparison to mean something.
    expect(relativeDifference(predicted, u0)).toBeGreaterThan(0.1)
  })

  it('gradientDescent matches the explicit iteration u <- u - eta K Q u, stable and unstable', () => {
    const limit = largestStableLearningRate(prediction.lambdaMax)
    const kqu = new Float64Array(n)
    for (const [fraction, steps] of [[0.9, 300], [1.02, 150]] as const) {
      const eta = fraction * limit
      const u = Float64Array.from(u0)
      for (let s = 0; s < steps; s++) {
        applyKernelOperator(kernel, weights, u, kqu)
        for (let i = 0; i < n; i++) u[i] -= eta * kqu[i]
      }
      const predicted = prediction.gradientDescent(u0, eta, steps)
      // The explicit iteration accumulates rounding of order steps * eps relative to the result
      // (300 * 2.2e-16 ~ 7e-14; observed 9e-14): allow 1e-11.
      expect(relativeDifference(predicted, u)).toBeLessThan(1e-11)
      if (fraction > 1) {
        // Beyond 2 / lambda_max the top mode grows like |1 - eta lambda_max|^n: GD diverges.
        let norm = 0
        for (let i = 0; i < n; i++) norm += predicted[i] ** 2
        let initial = 0
        for (let i = 0; i < n; i++) initial += u0[i] ** 2
        expect(Math.sqrt(norm / initial)).toBeGreaterThan(1)
      }
    }
    // Zero steps and zero learning rate are the identity (to rounding of V V^T = I).
    expect(relativeDifference(prediction.gradientDescent(u0, 0.1, 0), u0)).toBeLessThan(1e-13)
    expect(relativeDifference(prediction.flow(u0, 0), u0)).toBeLessThan(1e-13)
  })

  it('lambdaMax matches power iteration on K Q and the resolved eigenvalues add up to trace(K Q)', () => {
    let v = new Float64Array(n).fill(1)
    let next = new Float64Array(n)
    let estimate = 0
    for (let iteration = 0; iteration < 20000; iteration++) {
      applyKernelOperator(kernel, weights, v, next)
      let norm = 0
      for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(next[i]))
      for (let i = 0; i < n; i++) next[i] /= norm
      ;[v, next] = [next, v]
      if (Math.abs(norm - estimate) <= 1e-15 * norm) break
      estimate = norm
    }
    // Power iteration converges to rounding here (the top gap of this kernel is large);
    // the eigen-solver is accurate to ~N eps lambda_max: 1e-11 relative.
    expect(Math.abs(prediction.lambdaMax - estimate)).toBeLessThan(1e-11 * estimate)
    let trace = 0
    for (let i = 0; i < n; i++) trace += kernel[i * n + i] * weights[i]
    // The resolved eigenvalues (rank of them) add up to trace(K Q) less the dropped trace, to rounding.
    const r = prediction.rank
    expect(prediction.eigenvalues.length).toBe(r)
    expect(r).toBeLessThanOrEqual(n)
    expect(prediction.residualTrace).toBeLessThan(1e-12 * trace)
    let sum = 0
    for (let k = 0; k < r; k++) sum += prediction.eigenvalues[k]
    expect(Math.abs(sum + prediction.residualTrace - trace)).toBeLessThan(1e-12 * trace)
    for (let k = 1; k < r; k++) expect(prediction.eigenvalues[k]).toBeGreaterThanOrEqual(prediction.eigenvalues[k - 1])
    // K is positive semi-definite: negative eigenvalues only at rounding level.
    expect(prediction.eigenvalues[0]).toBeGreaterThan(-1e-13 * prediction.lambdaMax)
    expect(prediction.eigenvalues[r - 1]).toBe(prediction.lambdaMax)
  })

  it('writes into out (which may be u0) and refuses malformed input', () => {
    const expected = prediction.flow(u0, 0.7)
    const inPlace = Float64Array.from(u0)
    expect(prediction.flow(inPlace, 0.7, inPlace)).toBe(inPlace)
    expect(Array.from(inPlace)).toEqual(Array.from(expected))
    expect(() => createNtkPrediction(new Float64Array(3), Float64Array.of(1, 1))).toThrow(/N \* N = 4/)
    expect(() => createNtkPrediction(new Float64Array(4), Float64Array.of(1, 0))).toThrow(/weights\[1\]/)
    expect(() => prediction.flow(u0, -1)).toThrow(/t must be/)
    expect(() => prediction.flow(new Float64Array(3), 1)).toThrow(/expected N = 41/)
    expect(() => prediction.gradientDescent(u0, 0.1, 2.5)).toThrow(/non-negative integer/)
  })
})

describe('largestStableLearningRate', () => {
  it('is 2 / lambda_max and refuses a non-positive lambda_max', () => {
    expect(largestStableLearningRate(4)).toBe(0.5)
    expect(() => largestStableLearningRate(0)).toThrow(/lambdaMax must be/)
  })
})
