import type { SpectralSetup } from '../../src/shared/spectral/spectralSetup'

/** A 1-D setup with scales {1,2}, equal group shares, bias, all parameters trained; override any field. */
export function setupOf(overrides: Partial<SpectralSetup>): SpectralSetup {
  const scales = overrides.scales ?? [1, 2]
  return {
    dim: 1,
    scales,
    groupWeights: scales.map(() => 1 / scales.length),
    amplitude: 'none',
    bias: true,
    trained: ['a', 'w', 'b'],
    sigmaA: 1,
    sigmaW: 1,
    sigmaB: 1,
    ...overrides,
  }
}
