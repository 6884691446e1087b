import { createTridiagonalExponential } from '../linalg/tridiagonalExponential'

/** Boundary condition at xi = 0: 'dirichlet' for the odd part Q (Q(0) = 0), 'neumann' for the even part P. */
export type OriginCondition = 'dirichlet' | 'neumann'

export interface DiffusionSolver1dOptions {
  /** uniform grid xi_0 = 0 < xi_1 < ... < xi_{M-1} = Xi in cycles per unit length, M >= 2 */
  xi: Float64Array
  /** D(xi_i) >= 0 at the M nodes (units: length^-2 per model time, i.e. xi^2 / t) */
  diffusion: Float64Array
  /** R(xi_i) at the M nodes (units: 1 / model time) */
  reaction: Float64Array
  originCondition: OriginCondition
}

/** A built solver: evaluate the solution at any model time in O(M) operations. */
export interface DiffusionSolver1d {
  /** the frequency grid the solver was built on (length M) */
  readonly xi: Float64Array
  /**
   * u(., t) from u(., 0) = initial, both sampled at the M nodes of xi. With a Dirichlet origin
   * initial[0] is ignored and out[0] = 0. `out` (length M) may be `initial` itself.
   * @param t model time (steps x learning rate), t >= 0
   */
  evolve(initial: Float64Array, t: number, out?: Float64Array): Float64Array
}

/**
 * Solver of the 1-D reaction-diffusion equation of the spectral model (spec sections 4 and 5)
 *
 *     du/dt = d/dxi ( D(xi) du/dxi ) - R(xi) u     on xi in [0, Xi],
 *
 * with zero flux D du/dxi = 0 at Xi, and at the origin either u(0) = 0 ('dirichlet', the odd
 * imaginary part Q) or zero flux ('neumann', the even real part P).
 *
 * Discretisation (vertex-centred finite volumes, second order): node i owns the cell
 * [xi_{i-1/2}, xi_{i+1/2}] of width w_i = h, halved (h/2) at a Neumann origin and at Xi. With
 * D_{i+1/2} = (D_i + D_{i+1}) / 2 and fluxes F_{i+1/2} = D_{i+1/2} (u_{i+1} - u_i) / h,
 *
 *     w_i du_i/dt = F_{i+1/2} - F_{i-1/2} - w_i R_i u_i,   i.e.  W du/dt = -A u,
 *
 * where A (stiffness plus W R) is symmetric tridiagonal and W = diag(w). The operator W^{-1} A is
 * therefore symmetric in the inner product <u, v>_W = sum_i w_i u_i v_i. With the symmetric
 * tridiagonal B = W^{-1/2} A W^{-1/2},
 *
 *     u(t) = W^{-1/2} exp(-t B) W^{1/2} u(0),
 *
 * evaluated at any t by the order-16 Chebyshev rational approximation of exp on the negative axis
 * (linalg/tridiagonalExponential: eight complex tridiagonal solves), uniformly accurate to about
 * 3e-14 of |u(0)|_W for the semi-discrete system: no time-stepping error at any t.
 * Construction is O(M); each evolve O(M) (about 16 M complex multiply-adds); memory O(M).
 */
export function createDiffusionSolver1d(options: DiffusionSolver1dOptions): DiffusionSolver1d {
  const { xi, diffusion, reaction, originCondition } = options
  const nodeCount = xi.length
  validate(options)

  const h = xi[nodeCount - 1] / (nodeCount - 1)
  const first = originCondition === 'dirichlet' ? 1 : 0
  const n = nodeCount - first

  // Cell widths of the unknowns (index a = i - first).
  const sqrtWidth = new Float64Array(n)
  for (let a = 0; a < n; a++) {
    const i = a + first
    const halfCell = i === nodeCount - 1 || (i === 0 && originCondition === 'neumann')
    sqrtWidth[a] = Math.sqrt(halfCell ? h / 2 : h)
  }

  // B = W^{-1/2} A W^{-1/2}: symmetric tridiagonal, stored as its diagonal and off-diagonal.
  const diagonal = new Float64Array(n)
  const offDiagonal = new Float64Array(n - 1)
  let lowestReaction = 0
  for (let a = 0; a < n; a++) {
    const i = a + first
    lowestReaction = Math.min(lowestReaction, reaction[i])
    let value = sqrtWidth[a] * sqrtWidth[a] * reaction[i]
    if (i >= 1) value += (diffusion[i - 1] + diffusion[i]) / (2 * h) // flux through xi_{i-1/2}
    if (i <= nodeCount - 2) {
      const conductance = (diffusion[i] + diffusion[i + 1]) / (2 * h) // flux through xi_{i+1/2}
      value += conductance
      offDiagonal[a] = -conductance / (sqrtWidth[a] * sqrtWidth[a + 1])
    }
    diagonal[a] = value / (sqrtWidth[a] * sqrtWidth[a])
  }
  // B = (stiffness, positive semi-definite) + diag(R): its eigenvalues are >= min(0, min_i R_i).
  const exponential = createTridiagonalExponential(diagonal, offDiagonal, lowestReaction)
  const weighted = new Float64Array(n)

  function evolve(initial: Float64Array, t: number, out?: Float64Array): Float64Array {
    if (initial.length !== nodeCount) {
      throw new RangeError(`diffusionSolver1d.evolve: initial has length ${initial.length}, expected ${nodeCount} (the xi grid)`)
    }
    if (!(t >= 0) || !Number.isFinite(t)) {
      throw new RangeError(`diffusionSolver1d.evolve: t must be a finite model time >= 0, got ${t}`)
    }
    const result = out ?? new Float64Array(nodeCount)
    if (result.length !== nodeCount) {
      throw new RangeError(`diffusionSolver1d.evolve: out has length ${result.length}, expected ${nodeCount}`)
    }
    for (let a = 0; a < n; a++) weighted[a] = sqrtWidth[a] * initial[a + first]
    exponential.apply(weighted, t, weighted)
    for (let a = 0; a < n; a++) result[a + first] = weighted[a] / sqrtWidth[a]
    if (first === 1) result[0] = 0
    return result
  }

  return { xi, evolve }
}

function validate(options: DiffusionSolver1dOptions): void {
  const { xi, diffusion, reaction, originCondition } = options
  const nodeCount = xi.length
  if (originCondition !== 'dirichlet' && originCondition !== 'neumann') {
    throw new RangeError(`createDiffusionSolver1d: originCondition must be 'dirichlet' or 'neumann', got '${String(originCondition)}'`)
  }
  if (nodeCount < 2) {
    throw new RangeError(`createDiffusionSolver1d: xi needs at least 2 nodes, got ${nodeCount}`)
  }
  if (xi[0] !== 0) {
    throw new RangeError(`createDiffusionSolver1d: xi must start at 0, got xi[0] = ${xi[0]}`)
  }
  const h = xi[nodeCount - 1] / (nodeCount - 1)
  if (!(h > 0) || !Number.isFinite(h)) {
    throw new RangeError(`createDiffusionSolver1d: xi must increase to a finite Xi > 0, got Xi = ${xi[nodeCount - 1]}`)
  }
  for (let i = 1; i < nodeCount; i++) {
    // Grids built as i * h or by repeated addition differ from i * h by a few ulps of Xi.
    if (Math.abs(xi[i] - i * h) > 1e-9 * xi[nodeCount - 1]) {
      throw new RangeError(`createDiffusionSolver1d: xi must be uniform; xi[${i}] = ${xi[i]} but i * h = ${i * h}`)
    }
  }
  if (diffusion.length !== nodeCount || reaction.length !== nodeCount) {
    throw new RangeError(
      `createDiffusionSolver1d: diffusion (${diffusion.length}) and reaction (${reaction.length}) must have the length of xi (${nodeCount})`,
    )
  }
  for (let i = 0; i < nodeCount; i++) {
    if (!(diffusion[i] >= 0) || !Number.isFinite(diffusion[i])) {
      throw new RangeError(`createDiffusionSolver1d: diffusion[${i}] = ${diffusion[i]}; D must be finite and >= 0`)
    }
    if (!Number.isFinite(reaction[i])) {
      throw new RangeError(`createDiffusionSolver1d: reaction[${i}] = ${reaction[i]} is not finite`)
    }
  }
}
