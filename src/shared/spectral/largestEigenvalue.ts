import type { SymmetricColumnSource } from '../linalg/pivotedCholesky'
import { symmetricEigen } from '../linalg/symmetricEigen'

/**
 * lambda_max of the NTK operator K Q (spec section 3) by power iteration on the symmetric
 * similar matrix Q^(1/2) K Q^(1/2) (same eigenvalues as K Q; K is positive semi-definite).
 * kernel: N x N row-major symmetric; weights: quadrature q_i > 0.
 * Converges to a relative accuracy of `tolerance` in the Rayleigh quotient; used when the full
 * eigendecomposition of the NTK prediction is not needed.
 */
export function largestEigenvalueOfKernelOperator(kernel: Float64Array, weights: Float64Array, tolerance = 1e-10, maxIterations = 5000): number {
  const n = weights.length
  const root = weights.map(Math.sqrt)
  let v = new Float64Array(n).fill(1 / Math.sqrt(n))
  let next = new Float64Array(n)
  let lambda = 0
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let norm = 0
    let rayleigh = 0
    for (let i = 0; i < n; i++) {
      let sum = 0
      const row = i * n
      for (let j = 0; j < n; j++) sum += kernel[row + j] * root[j] * v[j]
      sum *= root[i]
      next[i] = sum
      rayleigh += sum * v[i]
      norm += sum * sum
    }
    norm = Math.sqrt(norm)
    if (norm === 0) return 0
    for (let i = 0; i < n; i++) next[i] /= norm
    ;[v, next] = [next, v]
    if (Math.abs(rayleigh - lambda) <= tolerance * Math.abs(rayleigh)) return rayleigh
    lambda = rayleigh
  }
  return lambda
}

/**
 * lambda_max of K Q (spec section 3) without storing K: Lanczos with full reorthogonalisation on
 * M = Q^(1/2) K Q^(1/2), each product M v formed from the kernel's columns one at a time (N^2
 * kernel evaluations per product, memory N * (iterations + 2)). Used when the kernel's numerical
 * rank is too high for the NTK prediction's low-rank factor (NtkRankLimitError).
 *
 * The Ritz value theta of the Lanczos matrix is a lower bound of lambda_max and the residual
 * |M y - theta y| = beta_k |e_k^T s| of its Ritz vector y bounds the distance of theta to an
 * eigenvalue of M; the iteration stops once that bound is below `tolerance * theta` (the top
 * eigenvalue of a PSD kernel is well separated, so theta is then lambda_max).
 *
 * @param source columns of K (N x N, symmetric positive semi-definite)
 * @param weights quadrature weights q_i > 0 (length N)
 * @param start optional start vector (length N; e.g. the top eigenvector of a partial factor)
 * @returns lambda_max and the residual bound reached
 */
export function largestEigenvalueFromColumns(
  source: SymmetricColumnSource,
  weights: Float64Array,
  options: { tolerance?: number; maxIterations?: number; start?: Float64Array } = {},
): { lambdaMax: number; residual: number; iterations: number } {
  const n = weights.length
  if (source.size !== n) throw new RangeError(`largestEigenvalueFromColumns: the kernel has order ${source.size}; expected N = ${n}`)
  const tolerance = options.tolerance ?? 1e-11
  const maxIterations = Math.min(n, options.maxIterations ?? 60)
  const root = weights.map(Math.sqrt)
  const column = new Float64Array(n)
  const multiply = (v: Float64Array, out: Float64Array) => {
    out.fill(0)
    for (let k = 0; k < n; k++) {
      const value = v[k] * root[k]
      if (value === 0) continue
      source.column(k, column)
      for (let i = 0; i < n; i++) out[i] += column[i] * value
    }
    for (let i = 0; i < n; i++) out[i] *= root[i]
  }
  const basis: Float64Array[] = []
  const alpha: number[] = []
  const beta: number[] = []
  let v: Float64Array = options.start ? Float64Array.from(options.start) : Float64Array.from({ length: n }, (_, i) => 1 + 0.1 * Math.sin(i))
  let norm = 0
  for (let i = 0; i < n; i++) norm += v[i] * v[i]
  norm = Math.sqrt(norm)
  if (!(norm > 0) || v.length !== n) throw new RangeError(`largestEigenvalueFromColumns: the start vector must have length N = ${n} and be nonzero`)
  for (let i = 0; i < n; i++) v[i] /= norm
  let theta = 0
  let residual = Number.POSITIVE_INFINITY
  const w = new Float64Array(n)
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    basis.push(v)
    multiply(v, w)
    // alpha_k = v^T M v, then full reorthogonalisation against the whole basis, twice
    // (Parlett's "twice is enough") so that the Ritz values stay those of M
    let diagonal = 0
    for (let i = 0; i < n; i++) diagonal += v[i] * w[i]
    alpha.push(diagonal)
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let dot = 0
        for (let i = 0; i < n; i++) dot += q[i] * w[i]
        for (let i = 0; i < n; i++) w[i] -= dot * q[i]
      }
    }
    let next = 0
    for (let i = 0; i < n; i++) next += w[i] * w[i]
    next = Math.sqrt(next)
    const k = alpha.length
    const { value, lastComponent } = topOfTridiagonal(alpha, beta)
    theta = value
    residual = next * Math.abs(lastComponent)
    if (residual <= tolerance * Math.abs(theta) || next === 0) return { lambdaMax: theta, residual, iterations: k }
    beta.push(next)
    v = Float64Array.from(w, (x) => x / next)
  }
  return { lambdaMax: theta, residual, iterations: alpha.length }
}

/**
 * Largest eigenvalue of the k x k symmetric tridiagonal Lanczos matrix (diagonal alpha,
 * off-diagonal beta of length k - 1) and the last component of its unit eigenvector.
 */
function topOfTridiagonal(alpha: number[], beta: number[]): { value: number; lastComponent: number } {
  const k = alpha.length
  const matrix = new Float64Array(k * k)
  for (let i = 0; i < k; i++) {
    matrix[i * k + i] = alpha[i]
    if (i < k - 1) matrix[i * k + i + 1] = matrix[(i + 1) * k + i] = beta[i]
  }
  const { values, vectors } = symmetricEigen(matrix, k)
  return { value: values[k - 1], lastComponent: vectors[(k - 1) * k + k - 1] }
}
