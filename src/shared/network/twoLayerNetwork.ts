import type { NetworkSpec, TrainedParameter } from '../project/experimentTypes'
import type { ActivationFunction } from './activations'
import type { NetworkParameters } from './initialParameters'
import type { ParameterValues } from './trainingEngine'

/**
 * The float64 reference of the two-layer network and its loss gradient (spec sections 1-2).
 * Straightforward loops, written to be read and to check the fast engines against; they allocate
 * one length-N residual array per call and nothing inside the loops.
 *
 * Notation: z_ik = alpha_k (w_k . x_i) + b_k, v_k = c_k a_k / sqrt(m),
 *   f(x_i) = sum_k v_k sigma(z_ik),  r_i = f(x_i) - g(x_i),  Loss = 1/2 sum_i q_i r_i^2.
 * The neuron sum is taken in pairs (k, k + floor(m/2)), each pair added as one term, then the last
 * neuron when m is odd: with the zero-output initialisation the two terms of a pair are exact
 * negatives, so f(.; theta_0) = 0 exactly (a plain running sum would leave rounding residue).
 */

/** Which of a, w, b gradient descent moves. */
export interface TrainedMask {
  a: boolean
  w: boolean
  b: boolean
}

/** The trained mask of a network: b is trained only when listed and the network has a bias (spec section 1). */
export function trainedMask(network: Pick<NetworkSpec, 'trained' | 'bias'>): TrainedMask {
  const has = (name: TrainedParameter) => network.trained.includes(name)
  return { a: has('a'), w: has('w'), b: has('b') && network.bias }
}

/** Pre-activation z = alpha_k (w_k . x_i) + b_k of neuron k at sample i; x is N x d row-major. */
function preActivation(params: NetworkParameters, k: number, points: Float64Array, i: number): number {
  const d = params.dim
  let dot = 0
  for (let l = 0; l < d; l++) dot += params.w[k * d + l] * points[i * d + l]
  return params.scale[k] * dot + params.b[k]
}

/**
 * Network output f(x_i; theta) for every sample (spec section 1).
 * @param points samples, N x d row-major
 * @param out length N, overwritten with f(x_i)
 * @returns out
 */
export function networkOutput(
  params: NetworkParameters,
  activation: ActivationFunction,
  points: Float64Array,
  out: Float64Array,
): Float64Array {
  const m = params.width
  const half = Math.floor(m / 2)
  const sampleCount = points.length / params.dim
  const norm = 1 / Math.sqrt(m)
  for (let i = 0; i < sampleCount; i++) {
    let sum = 0
    for (let p = 0; p < half; p++) {
      const k = p
      const twin = p + half
      const termK = params.amplitude[k] * params.a[k] * norm * activation.f(preActivation(params, k, points, i))
      const termTwin = params.amplitude[twin] * params.a[twin] * norm * activation.f(preActivation(params, twin, points, i))
      sum += termK + termTwin
    }
    if (m % 2 === 1) {
      const k = m - 1
      sum += params.amplitude[k] * params.a[k] * norm * activation.f(preActivation(params, k, points, i))
    }
    out[i] = sum
  }
  return out
}

/**
 * Loss and its gradient (spec section 2): Loss = 1/2 sum_i q_i r_i^2 and, with rho_i = q_i r_i,
 *   dLoss/da_k = (c_k / sqrt m) sum_i rho_i sigma(z_ik)
 *   dLoss/db_k = v_k sum_i rho_i sigma'(z_ik)
 *   dLoss/dw_k = v_k alpha_k sum_i rho_i sigma'(z_ik) x_i          (d components)
 * Gradients of untrained parameters are set to 0.
 * @param points samples x_i, N x d row-major; weights q_i and target g(x_i), length N
 * @param grad receives the gradient: a and b of length m, w of length m d (row-major like params.w)
 * @returns Loss(theta)
 */
export function lossGradient(
  params: NetworkParameters,
  activation: ActivationFunction,
  trained: TrainedMask,
  points: Float64Array,
  weights: Float64Array,
  target: Float64Array,
  grad: ParameterValues,
): number {
  const m = params.width
  const d = params.dim
  const sampleCount = weights.length
  const norm = 1 / Math.sqrt(m)
  const weightedResidual = networkOutput(params, activation, points, new Float64Array(sampleCount))
  let loss = 0
  for (let i = 0; i < sampleCount; i++) {
    const r = weightedResidual[i] - target[i]
    loss += 0.5 * weights[i] * r * r
    weightedResidual[i] = weights[i] * r
  }
  grad.a.fill(0)
  grad.w.fill(0)
  grad.b.fill(0)
  for (let k = 0; k < m; k++) {
    const v = params.amplitude[k] * params.a[k] * norm
    let sumValue = 0
    let sumSlope = 0
    for (let i = 0; i < sampleCount; i++) {
      const z = preActivation(params, k, points, i)
      const rho = weightedResidual[i]
      if (trained.a) sumValue += rho * activation.f(z)
      if (trained.b || trained.w) {
        const slope = rho * activation.df(z)
        sumSlope += slope
        if (trained.w) for (let l = 0; l < d; l++) grad.w[k * d + l] += slope * points[i * d + l]
      }
    }
    if (trained.a) grad.a[k] = params.amplitude[k] * norm * sumValue
    if (trained.b) grad.b[k] = v * sumSlope
    if (trained.w) for (let l = 0; l < d; l++) grad.w[k * d + l] *= v * params.scale[k]
  }
  return loss
}
