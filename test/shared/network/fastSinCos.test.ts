import { describe, expect, it } from 'vitest'
import { FAST_SIN_COS_MAX_ERROR, fastCos, fastSin, fastSinCos } from '../../../src/shared/network/fastSinCos'
import { createSeededRandom } from '../../../src/shared/network/seededRandom'

describe('fastSin, fastCos, fastSinCos', () => {
  it('agree with Math.sin and Math.cos to FAST_SIN_COS_MAX_ERROR over the argument ranges the engine meets', () => {
    // z = alpha w x + b: |z| from tiny to ~1e2 in practice; up to 6e4 (the whole reduced range, below 2^16).
    const random = createSeededRandom(3, 1)
    let worst = 0
    for (const range of [1e-6, 1e-2, 1, 10, 100, 1e3, 1e4, 6e4]) {
      const z = Float64Array.from({ length: 20000 }, () => random.uniformIn(-range, range))
      const s = new Float64Array(z.length)
      const c = new Float64Array(z.length)
      fastSinCos(z, s, c, 0, z.length)
      for (let i = 0; i < z.length; i++) {
        const error = Math.max(Math.abs(s[i] - Math.sin(z[i])), Math.abs(c[i] - Math.cos(z[i])))
        worst = Math.max(worst, error)
        expect(fastSin(z[i])).toBe(s[i])
        expect(fastCos(z[i])).toBe(c[i])
      }
    }
    expect(worst).toBeLessThanOrEqual(FAST_SIN_COS_MAX_ERROR)
    // The bound is not loose by orders of magnitude: the reduction really runs at a few ulps.
    expect(worst).toBeGreaterThan(1e-17)
  })

  it('is exact where the table is (multiples of pi/32 rounded, zero) and near the reduction boundaries', () => {
    expect(fastSin(0)).toBe(0)
    expect(fastCos(0)).toBe(1)
    for (let j = -200; j <= 200; j++) {
      for (const offset of [0, 1e-12, -1e-12, Math.PI / 64, -Math.PI / 64]) {
        const z = (j * Math.PI) / 32 + offset
        expect(Math.abs(fastSin(z) - Math.sin(z)), `z = ${z}`).toBeLessThanOrEqual(FAST_SIN_COS_MAX_ERROR)
        expect(Math.abs(fastCos(z) - Math.cos(z)), `z = ${z}`).toBeLessThanOrEqual(FAST_SIN_COS_MAX_ERROR)
      }
    }
  })

  it('falls back to Math.sin / Math.cos beyond its range and propagates NaN and infinities as NaN', () => {
    for (const z of [2 ** 16 + 1, 2 ** 31, -1e12, 1e300]) {
      expect(fastSin(z)).toBe(Math.sin(z))
      expect(fastCos(z)).toBe(Math.cos(z))
    }
    for (const z of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(fastSin(z)).toBeNaN()
      expect(fastCos(z)).toBeNaN()
    }
    // In place: the sines may overwrite the arguments.
    const z = Float64Array.from([0.5, -2, 3e5])
    const c = new Float64Array(3)
    fastSinCos(z, z, c, 0, 3)
    expect(Math.abs(z[1] - Math.sin(-2))).toBeLessThanOrEqual(FAST_SIN_COS_MAX_ERROR)
    expect(Math.abs(c[2] - Math.cos(3e5))).toBeLessThanOrEqual(FAST_SIN_COS_MAX_ERROR)
  })
})
