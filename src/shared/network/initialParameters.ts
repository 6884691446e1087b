import type { NetworkSpec } from '../project/experimentTypes'
import { amplitudeOfScale, groupOfNeuron } from './scaleGroups'
import { RANDOM_STREAM, SeededRandom } from './seededRandom'

/**
 * The parameters of a two-layer MscaleDNN (spec section 1),
 * f(x) = (1/sqrt m) sum_k amplitude_k a_k sigma(scale_k w_k . x + b_k).
 */
export interface NetworkParameters {
  /** m, number of neurons */
  width: number
  /** d, input dimension */
  dim: number
  /** output weights a_k, length m */
  a: Float64Array
  /** input weights w_k, m x d row-major (w_k = w[k d .. k d + d - 1]) */
  w: Float64Array
  /** biases b_k, length m (all zero when the network has no bias) */
  b: Float64Array
  /** alpha_j(k), the scale of neuron k's group, length m */
  scale: Float64Array
  /** c_j(k), the output amplitude of neuron k's group (1 or alpha^d), length m */
  amplitude: Float64Array
}

/**
 * Initial parameters theta_0 (spec section 1), deterministic in network.seed:
 * a_k ~ N(0, sigmaA^2), w_k ~ N(0, sigmaW^2 I_d), b_k ~ N(0, sigmaB^2), drawn neuron by neuron in
 * the order a_k, w_k1..w_kd, b_k from the RANDOM_STREAM.initialParameters stream.
 * - "zero-output": only neurons k < m/2 are drawn; neuron k + m/2 copies w_k, b_k and the scale
 *   group of neuron k and gets a_{k+m/2} = -a_k, so f(.; theta_0) = 0 (exactly, when the two
 *   terms of each pair are added together; see twoLayerNetwork.ts). m must be even.
 * - "random": all m neurons are drawn.
 * - bias false: b = 0 (b_k is still drawn and discarded, so a and w do not depend on the bias flag).
 * Groups follow groupOfNeuron and amplitudes amplitudeOfScale (scaleGroups.ts).
 */
export function initialParameters(network: NetworkSpec, dim: 1 | 2): NetworkParameters {
  const m = network.width
  if (!Number.isInteger(m) || m < 1) throw new Error(`network.width: expected a positive integer, got ${m}`)
  if (network.init === 'zero-output' && m % 2 !== 0) {
    throw new Error(`network.width: zero-output initialisation pairs neuron k with k + m/2, so the width must be even; got ${m}`)
  }
  if (network.scales.length === 0) throw new Error('network.scales: expected at least one scale')

  const a = new Float64Array(m)
  const w = new Float64Array(m * dim)
  const b = new Float64Array(m)
  const scale = new Float64Array(m)
  const amplitude = new Float64Array(m)
  const random = new SeededRandom(network.seed, RANDOM_STREAM.initialParameters)
  const drawn = network.init === 'zero-output' ? m / 2 : m

  for (let k = 0; k < drawn; k++) {
    a[k] = network.sigmaA * random.normal()
    for (let l = 0; l < dim; l++) w[k * dim + l] = network.sigmaW * random.normal()
    const bias = network.sigmaB * random.normal()
    b[k] = network.bias ? bias : 0
  }
  for (let k = drawn; k < m; k++) {
    const twin = k - drawn
    a[k] = -a[twin]
    for (let l = 0; l < dim; l++) w[k * dim + l] = w[twin * dim + l]
    b[k] = b[twin]
  }
  for (let k = 0; k < m; k++) {
    scale[k] = network.scales[groupOfNeuron(k, m, network.scales.length, network.init)]
    amplitude[k] = amplitudeOfScale(scale[k], network.amplitude, dim)
  }
  return { width: m, dim, a, w, b, scale, amplitude }
}
