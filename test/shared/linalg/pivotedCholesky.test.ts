import { describe, expect, it } from 'vitest'
import { pivotedCholesky, type SymmetricColumnSource } from '../../../src/shared/linalg/pivotedCholesky'

function denseSource(matrix: Float64Array, n: number): SymmetricColumnSource {
  return {
    size: n,
    diagonal: (out) => { for (let i = 0; i < n; i++) out[i] = matrix[i * n + i] },
    column: (k, out) => { for (let i = 0; i < n; i++) out[i] = matrix[i * n + k] },
  }
}

/** A = B B^T with B of n x rank built from cosines: exactly rank `rank`, positive semi-definite. */
function lowRankMatrix(n: number, rank: number): Float64Array {
  const b = Float64Array.from({ length: n * rank }, (_, index) => Math.cos(0.37 * (index % rank + 1) * Math.floor(index / rank) + index % rank))
  const a = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    let sum = 0
    for (let j = 0; j < rank; j++) sum += b[i * rank + j] * b[k * rank + j]
    a[i * n + k] = sum
  }
  return a
}

describe('pivotedCholesky', () => {
  it('recovers an exactly low-rank matrix: r = rank, A = L L^T to rounding', () => {
    const n = 60
    const a = lowRankMatrix(n, 7)
    const result = pivotedCholesky(denseSource(a, n))
    expect(result.rank).toBe(7)
    expect(result.converged).toBe(true)
    let worst = 0
    let largest = 0
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
      let sum = 0
      for (let j = 0; j < result.rank; j++) sum += result.factor[j * n + i] * result.factor[j * n + k]
      worst = Math.max(worst, Math.abs(sum - a[i * n + k]))
      largest = Math.max(largest, Math.abs(a[i * n + k]))
    }
    // Rounding of a rank-7 Cholesky: ~ 7 eps |A| per entry; 1e-13 |A| leaves room, a wrong pivot update misses by O(|A|).
    expect(worst).toBeLessThan(1e-13 * largest)
    // The residual trace is what the factor leaves of trace(A): rounding level here.
    expect(result.residualTrace).toBeLessThan(1e-13 * result.trace)
    // Pivots are distinct rows.
    expect(new Set(result.pivots).size).toBe(7)
  })

  it('of a Gaussian kernel: residualTrace is the trace left over, and maxRank stops it unconverged', () => {
    const n = 120
    const x = Float64Array.from({ length: n }, (_, i) => -3 + (6 * i) / (n - 1))
    const a = new Float64Array(n * n)
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) a[i * n + k] = Math.exp(-2 * (x[i] - x[k]) ** 2)
    const full = pivotedCholesky(denseSource(a, n), { relativeTolerance: 1e-13 })
    expect(full.converged).toBe(true)
    expect(full.rank).toBeLessThan(n / 2) // a smooth kernel has a low numerical rank
    expect(full.residualTrace).toBeLessThanOrEqual(1e-13 * full.trace)
    const partial = pivotedCholesky(denseSource(a, n), { maxRank: 5 })
    expect(partial.rank).toBe(5)
    expect(partial.converged).toBe(false)
    // residualTrace equals trace(A) - trace(L L^T) computed directly (to rounding, 1e-12 relative).
    let factorTrace = 0
    for (let index = 0; index < partial.factor.length; index++) factorTrace += partial.factor[index] ** 2
    expect(Math.abs(partial.trace - factorTrace - partial.residualTrace)).toBeLessThan(1e-12 * partial.trace)
  })

  it('refuses a negative diagonal', () => {
    const a = Float64Array.of(1, 0, 0, -1)
    expect(() => pivotedCholesky(denseSource(a, 2))).toThrow(/not positive semi-definite/)
  })
})
