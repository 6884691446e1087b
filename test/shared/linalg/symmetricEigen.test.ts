import { describe, expect, it } from 'vitest'
import { symmetricEigen } from '../../../src/shared/linalg/symmetricEigen'

/** Deterministic uniform numbers in [0, 1) (Park-Miller), so the tests need no seed library. */
function lehmer(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 48271) % 2147483647
    return state / 2147483647
  }
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const next = lehmer(seed)
  const matrix = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const value = 2 * next() - 1
      matrix[i * n + j] = value
      matrix[j * n + i] = value
    }
  }
  return matrix
}

describe('symmetricEigen', () => {
  it('satisfies A V = V diag(lambda) and V^T V = I for a random symmetric matrix', () => {
    const n = 60
    const matrix = randomSymmetric(n, 12345)
    const { values, vectors } = symmetricEigen(matrix, n)
    // Entries are O(1), ||A||_2 <= n; a backward-stable QL method leaves residuals of order
    // n * eps * ||A|| ~ 60 * 2.2e-16 * 60 ~ 1e-12. Allow 1e-11.
    let residual = 0
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let product = 0
        for (let k = 0; k < n; k++) product += matrix[i * n + k] * vectors[k * n + j]
        residual = Math.max(residual, Math.abs(product - values[j] * vectors[i * n + j]))
      }
    }
    expect(residual).toBeLessThan(1e-11)
    // Orthonormality of the accumulated Householder/Givens rotations: O(n * eps).
    let orthogonality = 0
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        let dot = 0
        for (let i = 0; i < n; i++) dot += vectors[i * n + p] * vectors[i * n + q]
        orthogonality = Math.max(orthogonality, Math.abs(dot - (p === q ? 1 : 0)))
      }
    }
    expect(orthogonality).toBeLessThan(1e-12)
    for (let j = 1; j < n; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1])
    // The trace is the sum of the eigenvalues (independent of the decomposition's internals).
    let trace = 0
    let sum = 0
    for (let i = 0; i < n; i++) {
      trace += matrix[i * n + i]
      sum += values[i]
    }
    expect(Math.abs(trace - sum)).toBeLessThan(1e-11)
  })

  it('matches the closed form of the second-difference matrix', () => {
    // tridiag(-1, 2, -1) of order n: lambda_k = 2 - 2 cos(k pi / (n + 1)), k = 1..n, with
    // eigenvector v_k(i) = sin(i k pi / (n + 1)) (i = 1..n) up to sign and normalisation.
    const n = 50
    const matrix = new Float64Array(n * n)
    for (let i = 0; i < n; i++) {
      matrix[i * n + i] = 2
      if (i > 0) matrix[i * n + i - 1] = -1
      if (i < n - 1) matrix[i * n + i + 1] = -1
    }
    const { values, vectors } = symmetricEigen(matrix, n)
    const norm = Math.sqrt((n + 1) / 2)
    for (let k = 1; k <= n; k++) {
      const j = k - 1
      // Eigenvalues are well conditioned (perturbation <= eps ||A|| with ||A|| <= 4): 1e-13.
      expect(Math.abs(values[j] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-13)
      const sign = Math.sign(vectors[0 * n + j])
      let error = 0
      for (let i = 0; i < n; i++) {
        const exact = Math.sin(((i + 1) * k * Math.PI) / (n + 1)) / norm
        error = Math.max(error, Math.abs(sign * vectors[i * n + j] - exact))
      }
      // Eigenvector error ~ eps ||A|| / gap; the smallest gap (between the two lowest eigenvalues)
      // is about 3 (pi / 51)^2 ~ 1e-2, giving ~1e-13. Allow 1e-11.
      expect(error).toBeLessThan(1e-11)
    }
  })

  it('sorts a diagonal matrix ascending and carries its unit vectors along', () => {
    const diagonal = [3, -1, 2, 0.5]
    const n = diagonal.length
    const matrix = new Float64Array(n * n)
    diagonal.forEach((value, i) => (matrix[i * n + i] = value))
    const { values, vectors } = symmetricEigen(matrix, n)
    expect(Array.from(values)).toEqual([-1, 0.5, 2, 3])
    const expectedRow = [1, 3, 2, 0] // column j is the unit vector e_{expectedRow[j]}
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) expect(Math.abs(vectors[i * n + j])).toBe(i === expectedRow[j] ? 1 : 0)
    }
  })

  it('handles order 1 and refuses a matrix of the wrong size', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(-2.5), 1)
    expect(values[0]).toBe(-2.5)
    expect(Math.abs(vectors[0])).toBe(1)
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(/expected n \* n = 4/)
    expect(() => symmetricEigen(new Float64Array(0), 0)).toThrow(/positive integer/)
  })
})
