/**
 * The spectrum of the error restricted to Omega, by quadrature over the training samples
 * (spec sections 4 and 5, initial condition and comparison):
 *
 *   u_hat(xi_p) = sum_i q_i u(x_i) exp(-2 pi i xi_p . x_i) = P_p + i Q_p
 *   P_p = sum_i q_i u_i cos(2 pi xi_p . x_i),   Q_p = -sum_i q_i u_i sin(2 pi xi_p . x_i)
 *
 * x_i in domain units, xi_p in cycles per unit length, q_i the quadrature weights of the loss
 * (spec section 2), so u_hat has the units of u times a length^d.
 */
export interface SpectrumTransform {
  /** N, the number of sample points */
  readonly pointCount: number
  /** P, the number of frequencies */
  readonly frequencyCount: number
  /**
   * Writes P (real part) and Q (imaginary part) of the transform of `values` (length N, u(x_i))
   * into outP and outQ (length P each). Allocates nothing.
   */
  apply(values: Float64Array, outP: Float64Array, outQ: Float64Array): void
}

export interface SpectrumTransformOptions {
  /**
   * Largest P x N for which cos/sin tables are precomputed (two Float64Arrays of P x N entries);
   * above it the phases are evaluated on the fly at every apply. Default 4e6 (64 MB of tables).
   * Both paths evaluate the same expressions in the same order, so their results are identical.
   */
  maxTableEntries?: number
}

export const DEFAULT_MAX_TABLE_ENTRIES = 4_000_000

const TWO_PI = 2 * Math.PI

/** 2 pi xi_p . x_i: one expression shared by the tabulated and the on-the-fly paths. */
function phase(xi: Float64Array, points: Float64Array, dim: 1 | 2, p: number, i: number): number {
  return dim === 1 ? TWO_PI * (xi[p] * points[i]) : TWO_PI * (xi[2 * p] * points[2 * i] + xi[2 * p + 1] * points[2 * i + 1])
}

/**
 * Factory for the quadrature Fourier transform above. Copies its inputs, then either tabulates
 * cos and sin of 2 pi xi_p . x_i (when P x N <= maxTableEntries) or keeps the phases for on-the-fly
 * evaluation; apply costs P x N multiply-adds (plus 2 P x N trigonometric calls on the fly).
 * @param points N x d row-major sample coordinates
 * @param weights N quadrature weights q_i
 * @param xi P x d row-major frequencies (cycles per unit length)
 * @param dim d, 1 or 2
 */
export function createSpectrumTransform(
  points: Float64Array,
  weights: Float64Array,
  xi: Float64Array,
  dim: 1 | 2,
  options: SpectrumTransformOptions = {},
): SpectrumTransform {
  if (dim !== 1 && dim !== 2) throw new RangeError(`createSpectrumTransform: dim is ${String(dim)}; expected 1 or 2`)
  if (points.length % dim !== 0) {
    throw new RangeError(`createSpectrumTransform: points has length ${points.length}, not a multiple of dim = ${dim} (expected N x d row-major)`)
  }
  if (xi.length % dim !== 0) {
    throw new RangeError(`createSpectrumTransform: xi has length ${xi.length}, not a multiple of dim = ${dim} (expected P x d row-major)`)
  }
  const pointCount = points.length / dim
  const frequencyCount = xi.length / dim
  if (weights.length !== pointCount) {
    throw new RangeError(`createSpectrumTransform: weights has length ${weights.length}; expected N = ${pointCount} (one per point)`)
  }
  const maxTableEntries = options.maxTableEntries ?? DEFAULT_MAX_TABLE_ENTRIES
  const pointsCopy = Float64Array.from(points)
  const xiCopy = Float64Array.from(xi)
  const weightsCopy = Float64Array.from(weights)
  const weighted = new Float64Array(pointCount)

  const tabulate = frequencyCount * pointCount <= maxTableEntries
  let cosTable: Float64Array | null = null
  let sinTable: Float64Array | null = null
  if (tabulate) {
    cosTable = new Float64Array(frequencyCount * pointCount)
    sinTable = new Float64Array(frequencyCount * pointCount)
    for (let p = 0; p < frequencyCount; p++) {
      for (let i = 0; i < pointCount; i++) {
        const angle = phase(xiCopy, pointsCopy, dim, p, i)
        cosTable[p * pointCount + i] = Math.cos(angle)
        sinTable[p * pointCount + i] = Math.sin(angle)
      }
    }
  }

  function checkLengths(values: Float64Array, outP: Float64Array, outQ: Float64Array): void {
    if (values.length !== pointCount) {
      throw new RangeError(`SpectrumTransform.apply: values has length ${values.length}; expected N = ${pointCount} (one per point)`)
    }
    if (outP.length !== frequencyCount || outQ.length !== frequencyCount) {
      throw new RangeError(
        `SpectrumTransform.apply: outP/outQ have lengths ${outP.length}/${outQ.length}; expected P = ${frequencyCount} (one per frequency)`,
      )
    }
  }

  return {
    pointCount,
    frequencyCount,
    apply(values, outP, outQ) {
      checkLengths(values, outP, outQ)
      for (let i = 0; i < pointCount; i++) weighted[i] = weightsCopy[i] * values[i]
      for (let p = 0; p < frequencyCount; p++) {
        let real = 0
        let imaginary = 0
        if (cosTable !== null && sinTable !== null) {
          const row = p * pointCount
          for (let i = 0; i < pointCount; i++) {
            real += weighted[i] * cosTable[row + i]
            imaginary -= weighted[i] * sinTable[row + i]
          }
        } else {
          for (let i = 0; i < pointCount; i++) {
            const angle = phase(xiCopy, pointsCopy, dim, p, i)
            real += weighted[i] * Math.cos(angle)
            imaginary -= weighted[i] * Math.sin(angle)
          }
        }
        outP[p] = real
        outQ[p] = imaginary
      }
    },
  }
}
