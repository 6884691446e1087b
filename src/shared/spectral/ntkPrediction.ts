import { pivotedCholesky, type PivotedCholeskyResult, type SymmetricColumnSource } from '../linalg/pivotedCholesky'
import { symmetricEigen } from '../linalg/symmetricEigen'

/**
 * The NTK prediction of the training error on the samples (spec section 3), built once.
 * Vectors are indexed by sample i = 0..N-1, in the units of f (the error u = f - g).
 */
export interface NtkPrediction {
  /** largest eigenvalue of K Q (units 1 / model time); GD is stable for eta < 2 / lambdaMax */
  readonly lambdaMax: number
  /**
   * the resolved eigenvalues of K Q, ascending (length rank); the other N - rank eigenvalues of
   * K Q lie in [0, residualTrace]
   */
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

/** The prediction as the factories build it: from a low-rank factor of the kernel. */
export interface LowRankNtkPrediction extends NtkPrediction {
  /** the numerical rank r of Q^{1/2} K Q^{1/2} kept (columns of the pivoted Cholesky factor) */
  readonly rank: number
  /**
   * trace of the dropped positive semi-definite remainder Q^{1/2} K Q^{1/2} - L L^T (1 / model
   * time): a bound on its spectral norm, so lambdaMax is within it of the exact value and the
   * predictions are within t * residualTrace * |u0|_Q (flow, and gradient descent with
   * eta <= 2 / lambdaMax) of the exact ones in the norm |u|_Q = sqrt(sum_i q_i u_i^2)
   */
  readonly residualTrace: number
}

export interface NtkPredictionOptions {
  /**
   * the factorisation stops once trace(M - L L^T) <= relativeTolerance * trace(M),
   * M = Q^{1/2} K Q^{1/2} (default 1e-13, see pivotedCholesky)
   */
  relativeTolerance?: number
  /** the most columns r the factor may take (default: N); beyond it NtkRankLimitError is thrown */
  maxRank?: number
}

/** Thrown when the kernel needs more than maxRank columns: the prediction would not be exact. */
export class NtkRankLimitError extends RangeError {
  constructor(
    readonly sampleCount: number,
    readonly maxRank: number,
    /** the partial factor: lambda_max(L L^T) <= lambda_max(M) <= that + residualTrace */
    readonly factorisation: PivotedCholeskyResult,
  ) {
    super(
      `the NTK kernel of these ${sampleCount} samples has a numerical rank above ${maxRank}` +
        ` (after ${maxRank} columns the dropped trace is ${(factorisation.residualTrace / factorisation.trace).toExponential(1)} of the whole);` +
        ' fewer samples, or smaller scales or sigma_w, make the kernel smoother',
    )
    this.name = 'NtkRankLimitError'
  }
}

/**
 * Factory of the NTK prediction of spec section 3 for the loss 1/2 sum_i q_i u_i^2 of spec
 * section 2, whose linearised dynamics are du/dt = -K Q u with Q = diag(q), from the N x N kernel
 * matrix (see createNtkPredictionFromColumns for the method; this reads r of its columns).
 *
 * @param kernel N x N row-major, symmetric (K(x_i, x_k), e.g. from ntkKernelMatrix); it is
 *   symmetrised as (K + K^T) / 2 to remove rounding asymmetry
 * @param weights quadrature weights q_i > 0 (length N), in the units of the domain's volume
 */
export function createNtkPrediction(kernel: Float64Array, weights: Float64Array, options: NtkPredictionOptions = {}): LowRankNtkPrediction {
  const n = weights.length
  if (n < 1) throw new RangeError('createNtkPrediction: weights is empty; expected N >= 1 quadrature weights')
  if (kernel.length !== n * n) {
    throw new RangeError(`createNtkPrediction: kernel has ${kernel.length} entries; expected N * N = ${n * n} for N = ${n} weights`)
  }
  checkWeights(weights, 'createNtkPrediction')
  for (let index = 0; index < kernel.length; index++) {
    if (!Number.isFinite(kernel[index])) {
      throw new RangeError(`createNtkPrediction: kernel[${Math.floor(index / n)}, ${index % n}] is not finite`)
    }
  }
  const source: SymmetricColumnSource = {
    size: n,
    diagonal(out) {
      for (let i = 0; i < n; i++) out[i] = kernel[i * n + i]
    },
    column(k, out) {
      for (let i = 0; i < n; i++) out[i] = 0.5 * (kernel[i * n + k] + kernel[k * n + i])
    },
  }
  return createNtkPredictionFromColumns(source, weights, options)
}

/**
 * Factory of the NTK prediction of spec section 3 (see createNtkPrediction) from column access to
 * the kernel, so that the N x N matrix is never stored.
 *
 * K Q is similar to the symmetric positive semi-definite M = Q^{1/2} K Q^{1/2}. Smooth kernels
 * have rapidly decaying eigenvalues, so M = L L^T + E with L of N x r from pivoted Cholesky and
 * trace(E) below relativeTolerance * trace(M) (r is set by the kernel's smoothness relative to
 * the domain, not by N). With the r x r Gram matrix L^T L = U diag(lambda) U^T (the nonzero
 * eigenvalues of L L^T) and any function phi of the eigenvalues,
 *
 *     phi(L L^T) w = w + L U h(lambda) U^T L^T w,      h(lambda) = (phi(lambda) - 1) / lambda,
 *
 * which holds for the null space too (phi(0) = 1) and stays exact as lambda -> 0 (h(0) = phi'(0)).
 * Here phi = exp(-t lambda) for the flow and (1 - eta lambda)^n for gradient descent, and
 * u = Q^{-1/2} phi(M) Q^{1/2} u0. Construction: r kernel columns, about 1.5 N r^2 multiply-adds and
 * an r x r eigendecomposition; memory N r; each evaluation costs O(N r + r^2).
 * Since |phi(M) - phi(L L^T)| <= t |E| for both phi (eta <= 2 / lambda_max), the error is at most
 * t * residualTrace relative to |u0|_Q.
 *
 * @param source columns of K (N x N, symmetric positive semi-definite)
 * @param weights quadrature weights q_i > 0 (length N)
 * @throws NtkRankLimitError when options.maxRank columns do not reach the tolerance
 */
export function createNtkPredictionFromColumns(source: SymmetricColumnSource, weights: Float64Array, options: NtkPredictionOptions = {}): LowRankNtkPrediction {
  const n = weights.length
  if (source.size !== n) throw new RangeError(`createNtkPredictionFromColumns: the kernel has order ${source.size}; expected N = ${n} (one per weight)`)
  if (n < 1) throw new RangeError('createNtkPredictionFromColumns: weights is empty; expected N >= 1 quadrature weights')
  const sqrtWeights = checkWeights(weights, 'createNtkPredictionFromColumns')
  const weighted: SymmetricColumnSource = {
    size: n,
    diagonal(out) {
      source.diagonal(out)
      for (let i = 0; i < n; i++) out[i] *= weights[i]
    },
    column(k, out) {
      source.column(k, out)
      const scale = sqrtWeights[k]
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(out[i])) throw new RangeError(`createNtkPrediction: kernel[${i}, ${k}] is not finite`)
        out[i] *= sqrtWeights[i] * scale
      }
    },
  }
  const maxRank = options.maxRank ?? n
  const factorisation = pivotedCholesky(weighted, { relativeTolerance: options.relativeTolerance, maxRank })
  if (!factorisation.converged) throw new NtkRankLimitError(n, maxRank, factorisation)
  const { rank: r, factor, residualTrace } = factorisation

  // Gram matrix G = L^T L (r x r, row-major); its eigenvalues are those of L L^T that are nonzero.
  const gram = new Float64Array(r * r)
  for (let j = 0; j < r; j++) {
    const columnJ = factor.subarray(j * n, (j + 1) * n)
    for (let k = j; k < r; k++) {
      const columnK = factor.subarray(k * n, (k + 1) * n)
      let sum = 0
      for (let i = 0; i < n; i++) sum += columnJ[i] * columnK[i]
      gram[j * r + k] = sum
      gram[k * r + j] = sum
    }
  }
  const { values: eigenvalues, vectors } = r > 0 ? symmetricEigen(gram, r) : { values: new Float64Array(0), vectors: new Float64Array(0) }
  const lambdaMax = r > 0 ? Math.max(eigenvalues[r - 1], 0) : 0

  const projected = new Float64Array(r)
  const coefficients = new Float64Array(r)
  const weighted0 = new Float64Array(n)

  /** out = u0 + Q^{-1/2} L U diag(h(lambda)) U^T L^T Q^{1/2} u0; u0 may be out. */
  function applySpectralFunction(u0: Float64Array, h: (lambda: number) => number, out: Float64Array | undefined, caller: string): Float64Array {
    if (u0.length !== n) throw new RangeError(`ntkPrediction.${caller}: u0 has length ${u0.length}; expected N = ${n}`)
    const result = out ?? new Float64Array(n)
    if (result.length !== n) throw new RangeError(`ntkPrediction.${caller}: out has length ${result.length}; expected N = ${n}`)
    for (let i = 0; i < n; i++) weighted0[i] = sqrtWeights[i] * u0[i]
    for (let k = 0; k < r; k++) {
      const column = factor.subarray(k * n, (k + 1) * n)
      let sum = 0
      for (let i = 0; i < n; i++) sum += column[i] * weighted0[i]
      projected[k] = sum
    }
    // coefficients = h(lambda) U^T projected; U is row-major with eigenvectors as columns
    coefficients.fill(0)
    for (let j = 0; j < r; j++) {
      const value = projected[j]
      const row = j * r
      for (let k = 0; k < r; k++) coefficients[k] += vectors[row + k] * value
    }
    for (let k = 0; k < r; k++) coefficients[k] *= h(eigenvalues[k])
    // projected = U coefficients, then weighted0 = L projected
    for (let j = 0; j < r; j++) {
      const row = j * r
      let sum = 0
      for (let k = 0; k < r; k++) sum += vectors[row + k] * coefficients[k]
      projected[j] = sum
    }
    weighted0.fill(0)
    for (let k = 0; k < r; k++) {
      const column = factor.subarray(k * n, (k + 1) * n)
      const value = projected[k]
      for (let i = 0; i < n; i++) weighted0[i] += column[i] * value
    }
    for (let i = 0; i < n; i++) result[i] = u0[i] + weighted0[i] / sqrtWeights[i]
    return result
  }

  return {
    lambdaMax,
    eigenvalues,
    rank: r,
    residualTrace,
    flow(u0, t, out) {
      if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`ntkPrediction.flow: t must be a finite model time >= 0, got ${t}`)
      return applySpectralFunction(u0, (lambda) => flowDifferenceQuotient(t, lambda), out, 'flow')
    },
    gradientDescent(u0, learningRate, steps, out) {
      if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
        throw new RangeError(`ntkPrediction.gradientDescent: learningRate must be finite and >= 0, got ${learningRate}`)
      }
      if (!Number.isInteger(steps) || steps < 0) {
        throw new RangeError(`ntkPrediction.gradientDescent: steps must be a non-negative integer, got ${steps}`)
      }
      return applySpectralFunction(u0, (lambda) => descentDifferenceQuotient(learningRate, steps, lambda), out, 'gradientDescent')
    },
  }
}

/** (exp(-t lambda) - 1) / lambda without cancellation; -t at lambda = 0. */
export function flowDifferenceQuotient(t: number, lambda: number): number {
  return lambda === 0 ? -t : Math.expm1(-t * lambda) / lambda
}

/**
 * ((1 - eta lambda)^n - 1) / lambda without cancellation for small eta lambda (through
 * expm1(n log1p(-eta lambda))); -n eta at lambda = 0.
 */
export function descentDifferenceQuotient(learningRate: number, steps: number, lambda: number): number {
  if (lambda === 0) return -steps * learningRate
  const x = learningRate * lambda
  if (x < 1) return Math.expm1(steps * Math.log1p(-x)) / lambda
  return ((1 - x) ** steps - 1) / lambda
}

function checkWeights(weights: Float64Array, caller: string): Float64Array {
  const sqrtWeights = new Float64Array(weights.length)
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] > 0) || !Number.isFinite(weights[i])) {
      throw new RangeError(`${caller}: weights[${i}] = ${weights[i]}; quadrature weights must be finite and > 0`)
    }
    sqrtWeights[i] = Math.sqrt(weights[i])
  }
  return sqrtWeights
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
