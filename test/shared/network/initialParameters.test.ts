import { describe, expect, it } from 'vitest'
import type { NetworkSpec } from '../../../src/shared/project/experimentTypes'
import { initialParameters } from '../../../src/shared/network/initialParameters'

const NETWORK: NetworkSpec = {
  scales: [1, 2, 4],
  width: 10,
  activation: 'sin',
  bias: true,
  amplitude: 'scale',
  trained: ['a', 'w', 'b'],
  init: 'zero-output',
  sigmaA: 1,
  sigmaW: 1,
  sigmaB: 1,
  seed: 3,
}

describe('initialParameters', () => {
  it('pairs neuron k + m/2 with neuron k: same w, b and group, negated a', () => {
    for (const dim of [1, 2] as const) {
      const params = initialParameters(NETWORK, dim)
      const half = NETWORK.width / 2
      for (let k = 0; k < half; k++) {
        expect(params.a[k + half]).toBe(-params.a[k])
        expect(params.b[k + half]).toBe(params.b[k])
        expect(params.scale[k + half]).toBe(params.scale[k])
        expect(params.amplitude[k + half]).toBe(params.amplitude[k])
        for (let l = 0; l < dim; l++) expect(params.w[(k + half) * dim + l]).toBe(params.w[k * dim + l])
      }
      // Groups k mod S on the first half: S = 3 does not divide m/2 = 5 (spec section 1's warning case).
      expect(Array.from(params.scale)).toEqual([1, 2, 4, 1, 2, 1, 2, 4, 1, 2])
      // Amplitude "scale": c = alpha^d.
      expect(Array.from(params.amplitude)).toEqual(Array.from(params.scale, (alpha) => alpha ** dim))
    }
  })

  it('is deterministic in the seed, and a, w do not depend on the bias flag', () => {
    const first = initialParameters(NETWORK, 2)
    const again = initialParameters(NETWORK, 2)
    expect(again).toEqual(first)
    const other = initialParameters({ ...NETWORK, seed: 4 }, 2)
    expect(other.a[0]).not.toBe(first.a[0])
    const noBias = initialParameters({ ...NETWORK, bias: false }, 2)
    expect(Array.from(noBias.b).every((b) => b === 0)).toBe(true)
    expect(noBias.a).toEqual(first.a)
    expect(noBias.w).toEqual(first.w)
  })

  it('draws a, w, b with the requested standard deviations ("random" keeps all m draws)', () => {
    const network: NetworkSpec = { ...NETWORK, width: 20_000, init: 'random', sigmaA: 0.5, sigmaW: 2, sigmaB: 3, amplitude: 'none' }
    const params = initialParameters(network, 1)
    const variance = (values: Float64Array) => values.reduce((acc, v) => acc + v * v, 0) / values.length
    // Sample variance of n = 20000 normals: relative standard error sqrt(2/n) = 1%; allow 5%.
    expect(Math.abs(variance(params.a) / 0.25 - 1)).toBeLessThan(0.05)
    expect(Math.abs(variance(params.w) / 4 - 1)).toBeLessThan(0.05)
    expect(Math.abs(variance(params.b) / 9 - 1)).toBeLessThan(0.05)
    // No pairing under "random": the second half is not the negated first half.
    expect(params.a[10_000]).not.toBe(-params.a[0])
    expect(Array.from(params.amplitude.slice(0, 5))).toEqual([1, 1, 1, 1, 1])
  })

  it('refuses an odd width with zero-output initialisation, saying why', () => {
    expect(() => initialParameters({ ...NETWORK, width: 7 }, 1)).toThrow(/network\.width.*even.*7/)
    expect(() => initialParameters({ ...NETWORK, width: 7, init: 'random' }, 1)).not.toThrow()
    expect(() => initialParameters({ ...NETWORK, width: 0 }, 1)).toThrow(/positive integer/)
  })
})
