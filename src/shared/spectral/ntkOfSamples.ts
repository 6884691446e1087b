import { largestEigenvalueFromColumns } from './largestEigenvalue'
import { ntkKernelColumns } from './ntkKernel'
import { createNtkPredictionFromColumns, NtkRankLimitError, type LowRankNtkPrediction } from './ntkPrediction'
import type { SpectralSetup } from './spectralSetup'

/**
 * How large the NTK prediction's low-rank factor may grow. The factor L is N x r doubles and the
 * Gram matrix L^T L is decomposed densely (O(r^3)), so both are capped: 2^24 factor entries
 * (128 MB) keep a run with N = 10^4 samples within its memory budget (r <= 1677), and r <= 1500
 * keeps the r x r eigendecomposition at about 10-20 s on one core.
 */
export const NTK_LIMITS = { maxFactorEntries: 2 ** 24, maxRank: 1500 }

export interface NtkOfSamples {
  /** the prediction, absent when the kernel's numerical rank is above the limits */
  prediction?: LowRankNtkPrediction
  /** largest eigenvalue of K Q (1 / model time), always present */
  lambdaMax: number
  /** why the prediction is absent, in words (for the run's notes) */
  note?: string
}

/**
 * The NTK prediction (spec section 3) and lambda_max of K Q for the samples of a run, without ever
 * storing the N x N kernel: the kernel's columns are computed on demand and factored to low rank
 * (createNtkPredictionFromColumns). When the numerical rank exceeds the rank limit (kernels that
 * are rough at the scale of the domain, e.g. very large scales), the prediction is skipped with a
 * note and lambda_max comes from matrix-free Lanczos on the kernel's columns (N^2 kernel
 * evaluations per iteration: slow for N = 10^4, but exact to the tolerance).
 * @param points N x d row-major samples; weights their quadrature weights (length N)
 * @param limits see NTK_LIMITS
 * @param options lanczosFallback: false skips the slow Lanczos above the limits (lambdaMax NaN, with
 *   the note): for previews, which must answer in a second
 */
export function ntkOfSamples(setup: SpectralSetup, points: Float64Array, weights: Float64Array, limits = NTK_LIMITS, options: { lanczosFallback?: boolean } = {}): NtkOfSamples {
  const columns = ntkKernelColumns(setup, points)
  const n = weights.length
  const maxRank = Math.max(1, Math.min(n, limits.maxRank, Math.floor(limits.maxFactorEntries / n)))
  try {
    const prediction = createNtkPredictionFromColumns(columns, weights, { maxRank })
    return { prediction, lambdaMax: prediction.lambdaMax }
  } catch (error) {
    if (!(error instanceof NtkRankLimitError)) throw error
    if (options.lanczosFallback === false) return { lambdaMax: Number.NaN, note: `lambda_max skipped: ${error.message}` }
    // Start Lanczos from L L^T applied three times to ones: close to the top eigenvector of M.
    const { factor, rank } = error.factorisation
    let start: Float64Array = new Float64Array(n).fill(1)
    const projected = new Float64Array(rank)
    for (let pass = 0; pass < 3; pass++) {
      for (let k = 0; k < rank; k++) {
        let sum = 0
        for (let i = 0; i < n; i++) sum += factor[k * n + i] * start[i]
        projected[k] = sum
      }
      const next = new Float64Array(n)
      for (let k = 0; k < rank; k++) for (let i = 0; i < n; i++) next[i] += factor[k * n + i] * projected[k]
      let norm = 0
      for (let i = 0; i < n; i++) norm += next[i] * next[i]
      if (!(norm > 0)) break
      start = next.map((value) => value / Math.sqrt(norm))
    }
    const { lambdaMax } = largestEigenvalueFromColumns(columns, weights, { start, tolerance: 1e-11 })
    return { lambdaMax, note: `NTK prediction skipped: ${error.message}. lambda_max comes from Lanczos on the kernel; the diffusion model is unaffected.` }
  }
}
