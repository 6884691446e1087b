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
