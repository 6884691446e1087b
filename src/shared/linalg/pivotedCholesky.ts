/**
 * Access to a symmetric positive semi-definite n x n matrix A one column at a time, so that A
 * never has to be stored (an N x N kernel at N = 10^4 is 800 MB).
 */
export interface SymmetricColumnSource {
  /** the order n of A */
  readonly size: number
  /** writes the diagonal A_ii, i = 0..n-1, into out (length n) */
  diagonal(out: Float64Array): void
  /** writes column k of A (A_ik, i = 0..n-1) into out (length n) */
  column(k: number, out: Float64Array): void
}

export interface PivotedCholeskyOptions {
  /**
   * stop once trace(A - L L^T) <= relativeTolerance * trace(A); default 1e-13 (about 450 eps: the
   * running residual diagonal carries a rounding error of a few eps times A_ii per column taken,
   * so much smaller values would chase rounding noise)
   */
  relativeTolerance?: number
  /** at most this many columns (default n); the factorisation is then reported as not converged */
  maxRank?: number
}

export interface PivotedCholeskyResult {
  /** the number r of columns taken */
  rank: number
  /** L, n x r stored column by column: L_ik = factor[k * n + i] (length n * r) */
  factor: Float64Array
  /** the rows chosen as pivots, in order (length r) */
  pivots: Int32Array
  /** trace(A), the sum of the diagonal */
  trace: number
  /**
   * trace(A - L L^T) = sum of the residual diagonal; the residual is positive semi-definite, so this
   * bounds its spectral norm: every eigenvalue of L L^T is within it of the matching one of A
   */
  residualTrace: number
  /** whether residualTrace reached the tolerance (false: maxRank columns did not suffice) */
  converged: boolean
}

/**
 * Low-rank factorisation A ~ L L^T of a symmetric positive semi-definite matrix by Cholesky with
 * complete (diagonal) pivoting: at each step the row with the largest residual diagonal becomes
 * the next pivot p, and column k of L is
 *
 *     L(:, k) = (A(:, p) - sum_{j<k} L(:, j) L(p, j)) / sqrt(d_p),     d <- d - L(:, k)^2,
 *
 * where d is the diagonal of the residual A - L L^T. For kernels of smooth functions the
 * eigenvalues decay faster than exponentially and r stays far below n (Harbrecht, Peters and
 * Schneider, "On the low-rank approximation by the pivoted Cholesky decomposition", Appl. Numer.
 * Math. 62, 2012). Cost: r columns of A and about n r^2 multiply-adds; memory n r.
 *
 * @param source column access to A (symmetric positive semi-definite; rounding-level negative
 *   residuals end the factorisation)
 */
export function pivotedCholesky(source: SymmetricColumnSource, options: PivotedCholeskyOptions = {}): PivotedCholeskyResult {
  const n = source.size
  const relativeTolerance = options.relativeTolerance ?? 1e-13
  const maxRank = Math.min(n, options.maxRank ?? n)
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`pivotedCholesky: the order must be a positive integer, got ${n}`)
  if (!(relativeTolerance >= 0)) throw new RangeError(`pivotedCholesky: relativeTolerance must be >= 0, got ${relativeTolerance}`)
  if (!Number.isInteger(maxRank) || maxRank < 0) throw new RangeError(`pivotedCholesky: maxRank must be a non-negative integer, got ${options.maxRank}`)

  const residual = new Float64Array(n)
  source.diagonal(residual)
  const taken = new Uint8Array(n)
  let trace = 0
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(residual[i])) throw new RangeError(`pivotedCholesky: diagonal entry ${i} is not finite`)
    if (residual[i] < 0) throw new RangeError(`pivotedCholesky: diagonal entry ${i} is ${residual[i]} < 0; the matrix is not positive semi-definite`)
    trace += residual[i]
  }
  const stop = relativeTolerance * trace
  // Grows by doubling so that a low rank costs little memory.
  let capacity = Math.max(1, Math.min(maxRank, 64))
  let factor = new Float64Array(n * capacity)
  const pivots: number[] = []
  let residualTrace = trace
  let rank = 0
  while (rank < maxRank && residualTrace > stop) {
    let pivot = -1
    let largest = 0
    for (let i = 0; i < n; i++) {
      if (!taken[i] && residual[i] > largest) {
        largest = residual[i]
        pivot = i
      }
    }
    if (pivot < 0) break
    if (rank === capacity) {
      capacity = Math.min(maxRank, 2 * capacity)
      const grown = new Float64Array(n * capacity)
      grown.set(factor)
      factor = grown
    }
    const column = factor.subarray(rank * n, (rank + 1) * n)
    source.column(pivot, column)
    for (let j = 0; j < rank; j++) {
      const previous = factor.subarray(j * n, (j + 1) * n)
      const scale = previous[pivot]
      if (scale === 0) continue
      for (let i = 0; i < n; i++) column[i] -= scale * previous[i]
    }
    const inverse = 1 / Math.sqrt(largest)
    for (let i = 0; i < n; i++) column[i] *= inverse
    taken[pivot] = 1
    residual[pivot] = 0
    residualTrace = 0
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue
      const value = residual[i] - column[i] * column[i]
      residual[i] = value > 0 ? value : 0
      residualTrace += residual[i]
    }
    pivots.push(pivot)
    rank++
  }
  return {
    rank,
    factor: factor.length === n * rank ? factor : factor.slice(0, n * rank),
    pivots: Int32Array.from(pivots),
    trace,
    residualTrace,
    converged: residualTrace <= stop,
  }
}
