/**
 * Poles theta_j and residues alpha_j (one of each conjugate pair) and alpha_0 of the Chebyshev
 * rational approximation of order 16 of exp on the negative real axis (CRAM-16):
 *
 *     exp(x) ~ alpha_0 + 2 Re sum_{j=1..8} alpha_j / (x - theta_j),   x <= 0,
 *
 * from M. Pusa, "Correction to partial fraction decomposition coefficients for Chebyshev rational
 * approximation on the negative real axis", arXiv:1206.2880 (2012), table 1, as used by depletion
 * codes (OpenMC's openmc/deplete/cram.py lists the same digits). The best approximation's error is
 * about 2e-16; evaluated in double precision the partial fractions reach 3e-14 (measured over
 * x in [-1e3, -1e-6], worst near x = 0), which is the accuracy of everything below.
 */
const CRAM16_ALPHA0 = 2.1248537104952237488e-16
const CRAM16_THETA: readonly (readonly [number, number])[] = [
  [-1.0843917078696988026e1, 1.9277446167181652284e1],
  [-5.2649713434426468895, 1.6220221473167927305e1],
  [5.9481522689511774808, 3.5874573620183222829],
  [3.5091036084149180974, 8.4361989858843750826],
  [6.4161776990994341923, 1.1941223933701386874],
  [1.4193758971856659786, 1.0925363484496722585e1],
  [4.9931747377179963991, 5.996881713603942226],
  [-1.4139284624888862114, 1.3497725698892745389e1],
]
const CRAM16_ALPHA: readonly (readonly [number, number])[] = [
  [-5.090152186522491565e-7, -2.422001765285228797e-5],
  [2.1151742182466030907e-4, 4.3892969647380673918e-3],
  [1.1339775178483930527e2, 1.019472170421585645e2],
  [1.5059585270023467528e1, -5.7514052776421819979],
  [-6.4500878025539646595e1, -2.2459440762652096056e2],
  [-1.4793007113557999718, 1.7686588323782937906],
  [-6.2518392463207918892e1, -1.119039109428322848e1],
  [4.1023136835410021273e-2, -1.5743466173455468191e-1],
]

/** exp(-t T) y for a fixed symmetric tridiagonal T and any t >= 0 (see createTridiagonalExponential). */
export interface TridiagonalExponential {
  /** the order n of T */
  readonly size: number
  /** out = exp(-t T) y (length n each; out may be y); t >= 0 */
  apply(y: Float64Array, t: number, out?: Float64Array): Float64Array
}

/**
 * exp(-t T) y for a symmetric tridiagonal T whose eigenvalues are all >= lowestEigenvalueBound
 * (0 for the positive semi-definite finite-volume operators of spec section 5; min_i R_i when a
 * reaction R may be negative) in O(n) per time: with the shift sigma = max(0, -lowestEigenvalueBound),
 * T + sigma I has no eigenvalue below 0 and
 *
 *     exp(-t T) y = e^{t sigma} [alpha_0 y + 2 Re sum_j alpha_j (-t (T + sigma I) - theta_j I)^{-1} y]
 *
 * by CRAM-16: eight complex tridiagonal solves (Thomas algorithm; each matrix is complex symmetric
 * with the definite imaginary part -Im(theta_j) I, so elimination without pivoting is stable).
 * Error: at most about 3e-14 |y| e^{t sigma} beyond rounding of the solves (whose condition number
 * is at most t |T| / |theta_j| + 1), uniformly in t; t = 0 returns y exactly.
 *
 * @param diagonal T_ii (length n)
 * @param offDiagonal T_i,i+1 = T_i+1,i (length n - 1)
 * @param lowestEigenvalueBound a lower bound of T's eigenvalues (default 0: T positive
 *   semi-definite); a wrong bound above the true lowest eigenvalue gives wrong results
 */
export function createTridiagonalExponential(diagonal: Float64Array, offDiagonal: Float64Array, lowestEigenvalueBound = 0): TridiagonalExponential {
  const n = diagonal.length
  if (n < 1) throw new RangeError('createTridiagonalExponential: the diagonal is empty; expected n >= 1 entries')
  if (offDiagonal.length !== n - 1) {
    throw new RangeError(`createTridiagonalExponential: offDiagonal has length ${offDiagonal.length}; expected n - 1 = ${n - 1}`)
  }
  if (!Number.isFinite(lowestEigenvalueBound)) throw new RangeError(`createTridiagonalExponential: lowestEigenvalueBound must be finite, got ${lowestEigenvalueBound}`)
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(diagonal[i]) || (i < n - 1 && !Number.isFinite(offDiagonal[i]))) throw new RangeError(`createTridiagonalExponential: row ${i} is not finite`)
  }
  const shift = Math.max(0, -lowestEigenvalueBound)
  const shifted = Float64Array.from(diagonal, (value) => value + shift)
  // work arrays of the Thomas algorithm (real and imaginary parts)
  const pivotRe = new Float64Array(n)
  const pivotIm = new Float64Array(n)
  const rhsRe = new Float64Array(n)
  const rhsIm = new Float64Array(n)
  const sum = new Float64Array(n)

  /** adds 2 Re(alpha z) to sum, z = (-t T' - theta I)^{-1} y (complex symmetric tridiagonal solve) */
  function addPole(y: Float64Array, t: number, theta: readonly [number, number], alpha: readonly [number, number]): void {
    const [thetaRe, thetaIm] = theta
    // forward elimination: a_i = -t d_i - theta, b_i = -t e_i (real)
    let previousRe = 0
    let previousIm = 0
    for (let i = 0; i < n; i++) {
      let aRe = -t * shifted[i] - thetaRe
      let aIm = -thetaIm
      let fRe = y[i]
      let fIm = 0
      if (i > 0) {
        const b = -t * offDiagonal[i - 1]
        // m = b / pivot_{i-1}; a -= m b; f -= m f_{i-1}
        const denominator = previousRe * previousRe + previousIm * previousIm
        const mRe = (b * previousRe) / denominator
        const mIm = (-b * previousIm) / denominator
        aRe -= mRe * b
        aIm -= mIm * b
        fRe -= mRe * rhsRe[i - 1] - mIm * rhsIm[i - 1]
        fIm -= mRe * rhsIm[i - 1] + mIm * rhsRe[i - 1]
      }
      pivotRe[i] = aRe
      pivotIm[i] = aIm
      rhsRe[i] = fRe
      rhsIm[i] = fIm
      previousRe = aRe
      previousIm = aIm
    }
    // back substitution: z_i = (f_i - b_i z_{i+1}) / pivot_i, accumulate 2 Re(alpha z_i)
    let nextRe = 0
    let nextIm = 0
    for (let i = n - 1; i >= 0; i--) {
      let fRe = rhsRe[i]
      let fIm = rhsIm[i]
      if (i < n - 1) {
        const b = -t * offDiagonal[i]
        fRe -= b * nextRe
        fIm -= b * nextIm
      }
      const pRe = pivotRe[i]
      const pIm = pivotIm[i]
      const denominator = pRe * pRe + pIm * pIm
      const zRe = (fRe * pRe + fIm * pIm) / denominator
      const zIm = (fIm * pRe - fRe * pIm) / denominator
      sum[i] += 2 * (alpha[0] * zRe - alpha[1] * zIm)
      nextRe = zRe
      nextIm = zIm
    }
  }

  return {
    size: n,
    apply(y, t, out) {
      if (y.length !== n) throw new RangeError(`tridiagonalExponential.apply: y has length ${y.length}; expected n = ${n}`)
      if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`tridiagonalExponential.apply: t must be finite and >= 0, got ${t}`)
      const result = out ?? new Float64Array(n)
      if (result.length !== n) throw new RangeError(`tridiagonalExponential.apply: out has length ${result.length}; expected n = ${n}`)
      if (t === 0) {
        if (result !== y) result.set(y)
        return result
      }
      for (let i = 0; i < n; i++) sum[i] = CRAM16_ALPHA0 * y[i]
      for (let j = 0; j < CRAM16_THETA.length; j++) addPole(y, t, CRAM16_THETA[j], CRAM16_ALPHA[j])
      const growth = Math.exp(t * shift)
      for (let i = 0; i < n; i++) result[i] = growth * sum[i]
      return result
    },
  }
}
