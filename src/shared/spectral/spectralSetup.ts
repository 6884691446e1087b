import type { Amplitude, TrainedParameter } from '../project/experimentTypes'

/**
 * What the infinite-width kernel and the diffusion coefficients depend on (spec sections 3-4).
 * groupWeights[j] is the share n_j / m of neurons in scale group j (1/S when S divides the width);
 * it multiplies c_j^2 in every kernel and coefficient term.
 */
export interface SpectralSetup {
  dim: 1 | 2
  scales: number[]
  groupWeights: number[]
  amplitude: Amplitude
  bias: boolean
  trained: TrainedParameter[]
  sigmaA: number
  sigmaW: number
  sigmaB: number
}
