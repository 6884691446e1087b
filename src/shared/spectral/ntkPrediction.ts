import { symmetricEigen } from '../linalg/symmetricEigen'

/**
 * The NTK prediction of the training error on the samples (spec section 3), built once.
 * Vectors are indexed by sample i = 0..N-1, in the units of f (the error u = f - g).
 */
export interface NtkPrediction {
  /** largest eigenvalue of K Q (units 1 / model time); GD is stable for eta < 2 / lambdaMax */
  readonly lambdaMax: number
  /** eigenvalues of K Q, ascending (length N) */
  readonly eigenvalues: Float64Array
  /**
   * Gradient flow u(t) = exp(-t K Q) u0.
   * @param t model time (steps x learning rate), t >= 0
   */
  flow(u0: Float64Array, t: number, out?: Float64Array): Float64Array
  /**
   * Discrete gradient descent in the linearised regime: u_n = (I - eta K Q)^n u0
   * (model time t = n eta). Unstable, and growing, when eta > 2 / lambdaMax.
   */
  gradientDescent(u0: Float64Array, learningRate: number, steps: number, out?: Float64Array): Float64Array
}

/**
 * Factory of the NTK prediction of spec section 3 for the loss 1/2 sum_i q_i u_i^2 of spec
 * section 2, whose linearised dynamics are du/dt = -K Q u with Q = diag(q).
 *
 * K Q is similar to the symmetric M = Q^{1/2} K Q^{1/2} = V diag(lambda) V^T (decomposed once,
 * O(N^3): about 2.6 s for N = 801), so for any function phi of the eigenvalues
 *
 *     phi(K Q) u0 = Q^{-1/2} V phi(lambda) V^T Q^{1/2} u0,
 *
 * with phi = exp(-t lambda) for the flow and (1 - eta lambda)^n for gradient descent; each
 * evaluation then costs two N x N matrix-vector products.
 *
 * @param kernel N x N row-major, symmetric (K(x_i, x_k), e.g. from ntkKernelMatrix); it is
 *   symmetrised as (K + K^T) / 2 to remove rounding asymmetry
 * @param weights quadrature weights q_i > 0 (length N), in the units of the domain's volume
 */
export function createNtkPrediction(kernel: Float64Array, weights: Float64Array): NtkPrediction {
  const n = weights.length
  if (n < 1) throw new RangeError('createNtkPrediction: weights is empty; expected N >= 1 quadrature weights')
  if (kernel.length !== n * n) {
    throw new RangeError(`createNtkPrediction: kernel has ${kernel.length} entries; expected N * N = ${n * n} for N = ${n} weights`)
  }
  const sqrtWeights = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (!(weights[i] > 0) || !Number.isFinite(weights[i])) {
      throw new RangeError(`createNtkPrediction: weights[${i}] = ${weights[i]}; quadrature weights must be finite and > 0`)
    }
    sqrtWeights[i] = Math.sqrt(weights[i])
  }
  const similar = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let k = i; k < n; k++) {
      const value = 0.5 * (kernel[i * n + k] + kernel[k * n + i]) * sqrtWeights[i] * sqrtWeights[k]
      if (!Number.isFinite(value)) throw new RangeError(`createNtkPrediction: kernel[${i}, ${k}] is not finite`)
      similar[i * n + k] = value
      similar[k * n + i] = value
    }
  }
  const { values: eigenvalues, vectors } = symmetricEigen(similar, n)
  const weighted = new Float64Array(n)
  const coefficients = new Float64Array(n)

  /** out = Q^{-1/2} V diag(factor(lambda)) V^T Q^{1/2} u0; u0 may be out. */
  function applySpectralFunction(u0: Float64Array, factor: (lambda: number) => number, out: Float64Array | undefined, caller: string): Float64Array {
    if (u0.length !== n) throw new RangeError(`ntkPrediction.${caller}: u0 has length ${u0.length}; expected N = ${n}`)
    const result = out ?? new Float64Array(n)
    if (result.length !== n) throw new RangeError(`ntkPrediction.${caller}: out has length ${result.length}; expected N = ${n}`)
    for (let i = 0; i < n; i++) weighted[i] = sqrtWeights[i] * u0[i]
    coefficients.fill(0)
    for (let i = 0; i < n; i++) {
      const value = weighted[i]
      if (value === 0) continue
      const row = i * n
      for (let k = 0; k < n; k++) coefficients[k] += vectors[row + k] * value
    }
    for (let k = 0; k < n; k++) coefficients[k] *= factor(eigenvalues[k])
    for (let i = 0; i < n; i++) {
      const row = i * n
      let sum = 0
      for (let k = 0; k < n; k++) sum += vectors[row + k] * coefficients[k]
      result[i] = sum / sqrtWeights[i]
    }
    return result
  }

  return {
    lambdaMax: eigenvalues[n - 1],
    eigenvalues,
    flow(u0, t, out) {
      if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`ntkPrediction.flow: t must be a finite model time >= 0, got ${t}`)
      return applySpectralFunction(u0, (lambda) => Math.exp(-t * lambda), out, 'flow')
    },
    gradientDescent(u0, learningRate, steps, out) {
      if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
        throw new RangeError(`ntkPrediction.gradientDescent: learningRate must be finite and >= 0, got ${learningRate}`)
      }
      if (!Number.isInteger(steps) || steps < 0) {
        throw new RangeError(`ntkPrediction.gradientDescent: steps must be a non-negative integer, got ${steps}`)
      }
      return applySpectralFunction(u0, (lambda) => (1 - learningRate * lambda) ** steps, out, 'gradientDescent')
    },
  }
}

/**
 * The stability limit of gradient descent on the linearised loss (spec section 3): the
 * iteration u <- (I - eta K Q) u contracts every mode iff eta < 2 / lambda_max.
 * @param lambdaMax largest eigenvalue of K Q (1 / model time), > 0
 * @returns 2 / lambdaMax (a learning rate; strictly smaller values are stable)
 */
export function largestStableLearningRate(lambdaMax: number): number {
  if (!(lambdaMax > 0) || !Number.isFinite(lambdaMax)) {
    throw new RangeError(`largestStableLearningRate: lambdaMax must be finite and > 0, got ${lambdaMax}`)
  }
  return 2 / lambdaMax
}
