import { amplitudeOfScale } from '../network/scaleGroups'
import { biasFactor, validateSpectralSetup } from './ntkKernel'
import type { SpectralSetup } from './spectralSetup'

/**
 * Reaction and diffusion coefficients of the spectral model (spec section 4), one value per
 * frequency: dP/dt = div(D_re grad P) - R_re P and dQ/dt = div(D_im grad Q) - R_im Q, where
 * u_hat = P + i Q is the Fourier transform of the error (xi in cycles per unit length).
 * R has the units of K times a length^d (1 / model time); D those of R times cycles^2 / length^2.
 */
export interface DiffusionCoefficients {
  Rre: Float64Array
  Rim: Float64Array
  Dre: Float64Array
  Dim: Float64Array
}

const TWO_PI = 2 * Math.PI
const TWO_PI_SQUARED = 2 * Math.PI * Math.PI
const EIGHT_PI_SQUARED = 8 * Math.PI * Math.PI

/**
 * G_hat_j(xi): the Fourier transform (u_hat(xi) = integral u(x) exp(-2 pi i xi . x) dx) of
 * G_j(z) = exp(-alpha_j^2 sigma_w^2 |z|^2 / 2) in R^d (spec section 4):
 *
 *   G_hat_j(xi) = (2 pi / (alpha_j^2 sigma_w^2))^(d/2) exp(-2 pi^2 |xi|^2 / (alpha_j^2 sigma_w^2))
 *
 * @param scale alpha_j
 * @param sigmaW standard deviation of the input weights
 * @param dim d, the input dimension
 * @param xiSquared |xi|^2 in cycles^2 per unit length^2
 */
export function gaussianTransform(scale: number, sigmaW: number, dim: number, xiSquared: number): number {
  const width = scale * scale * sigmaW * sigmaW
  return (TWO_PI / width) ** (dim / 2) * Math.exp((-TWO_PI_SQUARED * xiSquared) / width)
}

/**
 * R_re, R_im, D_re, D_im of spec section 4 at P frequencies: sums over scale groups j of
 * W_j G_hat_j(xi) times (W_j = c_j^2 * groupWeights[j], beta = exp(-2 sigma_b^2), 1 without bias)
 *
 *   R_re:  a: (1 - beta)/2   b: sigma_a^2 (1 + beta)/2
 *   R_im:  a: (1 + beta)/2   b: sigma_a^2 (1 - beta)/2
 *   D_re:  w: sigma_a^2 alpha_j^2 (1 - beta) / (8 pi^2)
 *   D_im:  w: sigma_a^2 alpha_j^2 (1 + beta) / (8 pi^2)
 *
 * summed over the trained parameters ('b' contributes nothing without bias). Derivation: the
 * G(x - y) terms of K act on u_hat by multiplication with G_hat, the G(x + y) terms on
 * conj(u_hat) = P - i Q, and the factor x . y becomes -div(G_hat grad .) / (4 pi^2) on the
 * G(x - y) terms and +div(G_hat grad .) / (4 pi^2) on the G(x + y) terms.
 *
 * @param xi P x d row-major frequencies (cycles per unit length), d = setup.dim
 * @param out optional output arrays of length P each; allocated when absent
 * @returns out, with every array of length P
 */
export function diffusionCoefficients(setup: SpectralSetup, xi: Float64Array, out?: DiffusionCoefficients): DiffusionCoefficients {
  validateSpectralSetup(setup)
  const d = setup.dim
  if (xi.length % d !== 0) {
    throw new RangeError(`diffusionCoefficients: xi has length ${xi.length}, not a multiple of setup.dim = ${d} (expected P x d row-major)`)
  }
  const count = xi.length / d
  const result: DiffusionCoefficients = out ?? {
    Rre: new Float64Array(count),
    Rim: new Float64Array(count),
    Dre: new Float64Array(count),
    Dim: new Float64Array(count),
  }
  for (const name of ['Rre', 'Rim', 'Dre', 'Dim'] as const) {
    if (result[name].length !== count) {
      throw new RangeError(`diffusionCoefficients: out.${name} has length ${result[name].length}; expected P = ${count} (one per frequency)`)
    }
  }

  const trainsA = setup.trained.includes('a')
  const trainsB = setup.bias && setup.trained.includes('b')
  const trainsW = setup.trained.includes('w')
  const beta = biasFactor(setup)
  const varianceA = setup.sigmaA * setup.sigmaA
  const groupCount = setup.scales.length
  // Per group: R and D factors (W_j times the table entries) and G_hat_j = prefactor exp(-decay |xi|^2).
  const reactionReal = new Float64Array(groupCount)
  const reactionImaginary = new Float64Array(groupCount)
  const diffusionReal = new Float64Array(groupCount)
  const diffusionImaginary = new Float64Array(groupCount)
  const prefactor = new Float64Array(groupCount)
  const decay = new Float64Array(groupCount)
  for (let j = 0; j < groupCount; j++) {
    const alpha = setup.scales[j]
    const amplitude = amplitudeOfScale(alpha, setup.amplitude, d)
    const weight = amplitude * amplitude * setup.groupWeights[j]
    const width = alpha * alpha * setup.sigmaW * setup.sigmaW
    prefactor[j] = (TWO_PI / width) ** (d / 2)
    decay[j] = TWO_PI_SQUARED / width
    reactionReal[j] = weight * ((trainsA ? (1 - beta) / 2 : 0) + (trainsB ? (varianceA * (1 + beta)) / 2 : 0))
    reactionImaginary[j] = weight * ((trainsA ? (1 + beta) / 2 : 0) + (trainsB ? (varianceA * (1 - beta)) / 2 : 0))
    const diffusion = trainsW ? (weight * varianceA * alpha * alpha) / EIGHT_PI_SQUARED : 0
    diffusionReal[j] = diffusion * (1 - beta)
    diffusionImaginary[j] = diffusion * (1 + beta)
  }

  for (let p = 0; p < count; p++) {
    let xiSquared = 0
    for (let l = 0; l < d; l++) xiSquared += xi[p * d + l] * xi[p * d + l]
    let rre = 0
    let rim = 0
    let dre = 0
    let dim = 0
    for (let j = 0; j < groupCount; j++) {
      const transform = prefactor[j] * Math.exp(-decay[j] * xiSquared)
      rre += reactionReal[j] * transform
      rim += reactionImaginary[j] * transform
      dre += diffusionReal[j] * transform
      dim += diffusionImaginary[j] * transform
    }
    result.Rre[p] = rre
    result.Rim[p] = rim
    result.Dre[p] = dre
    result.Dim[p] = dim
  }
  return result
}
