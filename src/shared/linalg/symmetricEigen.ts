import { EigenvalueDecomposition, Matrix } from 'ml-matrix'

/** Eigenvalues and orthonormal eigenvectors of a real symmetric matrix. */
export interface SymmetricEigenResult {
  /** eigenvalues lambda_0 <= lambda_1 <= ... <= lambda_{n-1}, length n */
  values: Float64Array
  /** n x n row-major; column j (entries vectors[i * n + j], i = 0..n-1) is the unit eigenvector of values[j] */
  vectors: Float64Array
}

/**
 * Symmetric eigendecomposition A = V diag(lambda) V^T of a real symmetric n x n matrix.
 *
 * A thin wrapper over ml-matrix's EigenvalueDecomposition with assumeSymmetric (Householder
 * tridiagonalisation tred2 followed by the implicit QL iteration tql2, from JAMA/EISPACK); the
 * symmetry of `matrix` is assumed, not checked: pass an exactly symmetric matrix. The cost is O(n^3): about 2.6 s for
 * n = 801 and 42 s for n = 2000 on one core of the development machine (Node 20).
 *
 * Used for small dense problems only: the r x r Gram matrix of the NTK's low-rank kernel factor
 * (ntkPrediction.ts) and the Lanczos tridiagonal matrix of largestEigenvalue.ts.
 *
 * @param matrix n x n row-major, symmetric
 * @param n order of the matrix
 * @returns eigenvalues in ascending order and the matching eigenvectors as columns
 */
export function symmetricEigen(matrix: Float64Array, n: number): SymmetricEigenResult {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`symmetricEigen: the order n must be a positive integer, got ${n}`)
  }
  if (matrix.length !== n * n) {
    throw new RangeError(`symmetricEigen: matrix has ${matrix.length} entries, expected n * n = ${n * n}`)
  }
  const input = new Matrix(n, n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) input.set(i, j, matrix[i * n + j])
  }
  const decomposition = new EigenvalueDecomposition(input, { assumeSymmetric: true })
  const rawValues = decomposition.realEigenvalues
  const eigenvectorMatrix = decomposition.eigenvectorMatrix

  // tql2 already sorts ascending; the permutation below keeps that a guarantee of this function
  // rather than of the library's current implementation.
  const order = Array.from({ length: n }, (_, j) => j).sort((p, q) => rawValues[p] - rawValues[q])
  const values = new Float64Array(n)
  const vectors = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    const source = order[j]
    values[j] = rawValues[source]
    for (let i = 0; i < n; i++) vectors[i * n + j] = eigenvectorMatrix.get(i, source)
  }
  return { values, vectors }
}
