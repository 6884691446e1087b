import type { NetworkSpec } from '../project/experimentTypes'
import { groupShares } from '../network/scaleGroups'
import type { SpectralSetup } from '../spectral/spectralSetup'

/** The kernel/coefficient setup of a network: group weights are the actual shares n_j / m. */
export function spectralSetupOf(network: NetworkSpec, dim: 1 | 2): SpectralSetup {
  return {
    dim,
    scales: [...network.scales],
    groupWeights: groupShares(network.width, network.scales.length, network.init),
    amplitude: network.amplitude,
    bias: network.bias,
    trained: [...network.trained],
    sigmaA: network.sigmaA,
    sigmaW: network.sigmaW,
    sigmaB: network.sigmaB,
  }
}
