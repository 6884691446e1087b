import { amplitudeOfScale } from '../network/scaleGroups'
import type { SpectralSetup } from './spectralSetup'
import type { SymmetricColumnSource } from '../linalg/pivotedCholesky'

/**
 * The infinite-width neural tangent kernel of the two-layer sine MscaleDNN (spec section 3).
 *
 *   f(x) = (1/sqrt m) sum_k c_j(k) a_k sin(alpha_j(k) w_k . x + b_k)
 *   K(x, y) = sum_j W_j sum_{p trained} K_p,j(x, y),      W_j = c_j^2 * groupWeights[j]
 *
 * with G_j(z) = exp(-alpha_j^2 sigma_w^2 |z|^2 / 2) and beta = exp(-2 sigma_b^2) (1 without bias):
 *
 *   K_a,j = 1/2 [G_j(x - y) - beta G_j(x + y)]
 *   K_b,j = sigma_a^2 / 2 [G_j(x - y) + beta G_j(x + y)]                 (only with bias)
 *   K_w,j = sigma_a^2 alpha_j^2 (x . y) / 2 [G_j(x - y) + beta G_j(x + y)]
 *
 * x and y are in the units of the domain Omega; K has the units of f^2 per parameter^2 and is
 * independent of the number of samples (the loss carries the quadrature weights, spec section 2).
 */

/** Kernel constants per scale group, flattened so the matrix loop touches only typed arrays. */
interface KernelTerms {
  groupCount: number
  /** h_j = alpha_j^2 sigma_w^2 / 2: G_j(z) = exp(-h_j |z|^2) */
  decay: Float64Array
  /** coefficient of G_j(x - y): differenceConstant_j + differenceDot_j (x . y) */
  differenceConstant: Float64Array
  differenceDot: Float64Array
  /** coefficient of G_j(x + y): sumConstant_j + sumDot_j (x . y) */
  sumConstant: Float64Array
  sumDot: Float64Array
  /** false when no G(x + y) term is present (nothing trained) */
  hasSumTerm: boolean
}

/**
 * Checks the parts of a SpectralSetup the kernel and the coefficients rely on; throws a RangeError
 * that names the offending field and what would be accepted.
 */
export function validateSpectralSetup(setup: SpectralSetup): void {
  if (setup.dim !== 1 && setup.dim !== 2) throw new RangeError(`setup.dim is ${String(setup.dim)}; expected 1 or 2`)
  if (setup.scales.length === 0) throw new RangeError('setup.scales is empty; expected at least one scale alpha_j > 0')
  if (setup.groupWeights.length !== setup.scales.length) {
    throw new RangeError(
      `setup.groupWeights has ${setup.groupWeights.length} entries but setup.scales has ${setup.scales.length}; expected one weight n_j/m per scale`,
    )
  }
  setup.scales.forEach((alpha, j) => {
    if (!(Number.isFinite(alpha) && alpha > 0)) throw new RangeError(`setup.scales[${j}] is ${alpha}; expected a finite number > 0`)
  })
  setup.groupWeights.forEach((weight, j) => {
    if (!(Number.isFinite(weight) && weight >= 0)) throw new RangeError(`setup.groupWeights[${j}] is ${weight}; expected a finite number >= 0`)
  })
  for (const name of ['sigmaA', 'sigmaW', 'sigmaB'] as const) {
    const value = setup[name]
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`setup.${name} is ${value}; expected a finite number >= 0`)
  }
  if (!(setup.sigmaW > 0)) throw new RangeError('setup.sigmaW is 0; expected a number > 0 (the kernel has no Gaussian factor otherwise)')
  for (const parameter of setup.trained) {
    if (parameter !== 'a' && parameter !== 'w' && parameter !== 'b') {
      throw new RangeError(`setup.trained contains "${String(parameter)}"; expected only "a", "w" or "b"`)
    }
  }
}

/** beta = E cos(2 b) = exp(-2 sigma_b^2) with bias, 1 without (b = 0). Spec section 3. */
export function biasFactor(setup: SpectralSetup): number {
  return setup.bias ? Math.exp(-2 * setup.sigmaB * setup.sigmaB) : 1
}

function kernelTerms(setup: SpectralSetup): KernelTerms {
  validateSpectralSetup(setup)
  const groupCount = setup.scales.length
  const trainsA = setup.trained.includes('a')
  // "bias: false" means b = 0 and not trained, so a requested 'b' contributes nothing.
  const trainsB = setup.bias && setup.trained.includes('b')
  const trainsW = setup.trained.includes('w')
  const beta = biasFactor(setup)
  const varianceA = setup.sigmaA * setup.sigmaA
  const terms: KernelTerms = {
    groupCount,
    decay: new Float64Array(groupCount),
    differenceConstant: new Float64Array(groupCount),
    differenceDot: new Float64Array(groupCount),
    sumConstant: new Float64Array(groupCount),
    sumDot: new Float64Array(groupCount),
    hasSumTerm: trainsA || trainsB || trainsW,
  }
  for (let j = 0; j < groupCount; j++) {
    const alpha = setup.scales[j]
    const amplitude = amplitudeOfScale(alpha, setup.amplitude, setup.dim)
    const weight = amplitude * amplitude * setup.groupWeights[j]
    terms.decay[j] = (alpha * alpha * setup.sigmaW * setup.sigmaW) / 2
    const constantA = trainsA ? 0.5 : 0
    const constantB = trainsB ? 0.5 * varianceA : 0
    const dotW = trainsW ? 0.5 * varianceA * alpha * alpha : 0
    terms.differenceConstant[j] = weight * (constantA + constantB)
    terms.sumConstant[j] = weight * beta * (constantB - constantA)
    terms.differenceDot[j] = weight * dotW
    terms.sumDot[j] = weight * beta * dotW
  }
  return terms
}

/** Sum over groups of the kernel for given x . y, |x - y|^2 and |x + y|^2. */
function groupSum(terms: KernelTerms, dot: number, differenceSquared: number, sumSquared: number): number {
  let value = 0
  for (let j = 0; j < terms.groupCount; j++) {
    const h = terms.decay[j]
    value += (terms.differenceConstant[j] + terms.differenceDot[j] * dot) * Math.exp(-h * differenceSquared)
    if (terms.hasSumTerm) value += (terms.sumConstant[j] + terms.sumDot[j] * dot) * Math.exp(-h * sumSquared)
  }
  return value
}

/** K(x, y) for one pair of points of length d, built once per setup (see createNtkKernel). */
export type NtkKernelFunction = (x: ArrayLike<number>, y: ArrayLike<number>) => number

/**
 * Factory for K(x, y) of spec section 3: validates the setup and folds the per-group constants
 * once, so that evaluating many pairs allocates nothing.
 * @returns a function of two points x, y of length setup.dim (domain units)
 */
export function createNtkKernel(setup: SpectralSetup): NtkKernelFunction {
  const terms = kernelTerms(setup)
  const d = setup.dim
  return (x, y) => {
    if (x.length !== d || y.length !== d) {
      throw new RangeError(`NTK kernel: x has length ${x.length} and y has length ${y.length}; expected both of length setup.dim = ${d}`)
    }
    let dot = 0
    let differenceSquared = 0
    let sumSquared = 0
    for (let l = 0; l < d; l++) {
      dot += x[l] * y[l]
      differenceSquared += (x[l] - y[l]) ** 2
      sumSquared += (x[l] + y[l]) ** 2
    }
    return groupSum(terms, dot, differenceSquared, sumSquared)
  }
}

/**
 * K(x, y) of spec section 3 for one pair of points (validates and folds the setup on every call:
 * use createNtkKernel or ntkKernelMatrix for many pairs).
 * @param x, y points of length setup.dim (domain units)
 * @returns the kernel value (a sum over trained parameters and scale groups)
 */
export function ntkKernelValue(setup: SpectralSetup, x: ArrayLike<number>, y: ArrayLike<number>): number {
  return createNtkKernel(setup)(x, y)
}

/**
 * The Gram matrix K_ik = K(x_i, x_k) of spec section 3 over N points.
 * Builds the upper triangle and mirrors it (K is symmetric); allocates nothing inside the loops.
 * Cost: N(N+1)/2 pairs times 2S exponentials (S scale groups).
 * @param points N x d row-major sample coordinates (d = setup.dim)
 * @param out optional N x N row-major output; allocated when absent
 * @returns out, symmetric
 */
export function ntkKernelMatrix(setup: SpectralSetup, points: Float64Array, out?: Float64Array): Float64Array {
  const terms = kernelTerms(setup)
  const d = setup.dim
  if (points.length % d !== 0) {
    throw new RangeError(`ntkKernelMatrix: points has length ${points.length}, not a multiple of setup.dim = ${d} (expected N x d row-major)`)
  }
  const count = points.length / d
  const result = out ?? new Float64Array(count * count)
  if (result.length !== count * count) {
    throw new RangeError(`ntkKernelMatrix: out has length ${result.length}; expected N * N = ${count * count} for N = ${count} points`)
  }
  if (d === 1) {
    for (let i = 0; i < count; i++) {
      const xi = points[i]
      const row = i * count
      for (let k = i; k < count; k++) {
        const yk = points[k]
        const difference = xi - yk
        const sum = xi + yk
        const value = groupSum(terms, xi * yk, difference * difference, sum * sum)
        result[row + k] = value
        result[k * count + i] = value
      }
    }
  } else {
    for (let i = 0; i < count; i++) {
      const x0 = points[2 * i]
      const x1 = points[2 * i + 1]
      const row = i * count
      for (let k = i; k < count; k++) {
        const y0 = points[2 * k]
        const y1 = points[2 * k + 1]
        const d0 = x0 - y0
        const d1 = x1 - y1
        const s0 = x0 + y0
        const s1 = x1 + y1
        const value = groupSum(terms, x0 * y0 + x1 * y1, d0 * d0 + d1 * d1, s0 * s0 + s1 * s1)
        result[row + k] = value
        result[k * count + i] = value
      }
    }
  }
  return result
}

/**
 * Column access to the Gram matrix K_ik = K(x_i, x_k) of spec section 3 without storing it
 * (SymmetricColumnSource of linalg/pivotedCholesky): each column costs N kernel evaluations, so a
 * rank-r factorisation needs N r of them instead of the N^2 / 2 of ntkKernelMatrix.
 * @param points N x d row-major sample coordinates (d = setup.dim)
 */
export function ntkKernelColumns(setup: SpectralSetup, points: Float64Array): SymmetricColumnSource {
  const terms = kernelTerms(setup)
  const d = setup.dim
  if (points.length % d !== 0) {
    throw new RangeError(`ntkKernelColumns: points has length ${points.length}, not a multiple of setup.dim = ${d} (expected N x d row-major)`)
  }
  const count = points.length / d
  const checkLength = (out: Float64Array, caller: string) => {
    if (out.length !== count) throw new RangeError(`ntkKernelColumns.${caller}: out has length ${out.length}; expected N = ${count}`)
  }
  return {
    size: count,
    diagonal(out) {
      checkLength(out, 'diagonal')
      for (let i = 0; i < count; i++) {
        let dot = 0
        for (let l = 0; l < d; l++) dot += points[i * d + l] * points[i * d + l]
        out[i] = groupSum(terms, dot, 0, 4 * dot)
      }
    },
    column(k, out) {
      checkLength(out, 'column')
      if (!Number.isInteger(k) || k < 0 || k >= count) throw new RangeError(`ntkKernelColumns.column: index ${k} is outside 0..${count - 1}`)
      if (d === 1) {
        const yk = points[k]
        for (let i = 0; i < count; i++) {
          const xi = points[i]
          const difference = xi - yk
          const sum = xi + yk
          out[i] = groupSum(terms, xi * yk, difference * difference, sum * sum)
        }
      } else {
        const y0 = points[2 * k]
        const y1 = points[2 * k + 1]
        for (let i = 0; i < count; i++) {
          const x0 = points[2 * i]
          const x1 = points[2 * i + 1]
          const d0 = x0 - y0
          const d1 = x1 - y1
          const s0 = x0 + y0
          const s1 = x1 + y1
          out[i] = groupSum(terms, x0 * y0 + x1 * y1, d0 * d0 + d1 * d1, s0 * s0 + s1 * s1)
        }
      }
    },
  }
}
