import type { Amplitude, Initialisation } from '../project/experimentTypes'

/**
 * Scale group of neuron k (0-based) in a width-m network with S groups (spec section 1).
 * Plain assignment is k mod S. With zero-output initialisation neuron k + m/2 is the negated copy
 * of neuron k, so groups are assigned as k mod S on the first half and copied to the second:
 * assigning k mod S over the whole width would break the pairing when S does not divide m/2.
 */
export function groupOfNeuron(k: number, width: number, groupCount: number, init: Initialisation): number {
  const index = init === 'zero-output' ? k % (width / 2) : k
  return index % groupCount
}

/** Share n_j / m of the neurons in each scale group j: the weight of group j in kernels and coefficients. */
export function groupShares(width: number, groupCount: number, init: Initialisation): number[] {
  const counts = new Array<number>(groupCount).fill(0)
  for (let k = 0; k < width; k++) counts[groupOfNeuron(k, width, groupCount, init)]++
  return counts.map((n) => n / width)
}

/** Output amplitude c_j: 1 for "none", alpha_j^d for "scale" (spec section 1). */
export function amplitudeOfScale(scale: number, amplitude: Amplitude, dim: number): number {
  return amplitude === 'scale' ? scale ** dim : 1
}
