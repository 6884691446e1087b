import { describe, expect, it } from 'vitest'
import { createSeededRandom, RANDOM_STREAM, SeededRandom } from '../../../src/shared/network/seededRandom'

describe('SeededRandom (xoshiro128**)', () => {
  it('reproduces the reference sequence of xoshiro128** from the state (1, 2, 3, 4)', () => {
    // Reference values from an independent Python transcription of Vigna's xoshiro128starstar.c:
    //   M = 0xffffffff; rotl = lambda x, k: ((x << k) | (x >> (32 - k))) & M; s = [1, 2, 3, 4]
    //   r = rotl(s[1] * 5 & M, 7) * 9 & M; t = s[1] << 9 & M
    //   s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11)
    const generator = SeededRandom.fromState([1, 2, 3, 4])
    const values = Array.from({ length: 6 }, () => generator.nextUint32())
    expect(values).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492])
  })

  it('is deterministic in the seed and gives independent streams', () => {
    const first = createSeededRandom(42, RANDOM_STREAM.initialParameters)
    const again = createSeededRandom(42, RANDOM_STREAM.initialParameters)
    const otherStream = createSeededRandom(42, RANDOM_STREAM.samples)
    const otherSeed = createSeededRandom(43, RANDOM_STREAM.initialParameters)
    const a = Array.from({ length: 50 }, () => first.uniform())
    expect(Array.from({ length: 50 }, () => again.uniform())).toEqual(a)
    const b = Array.from({ length: 50 }, () => otherStream.uniform())
    const c = Array.from({ length: 50 }, () => otherSeed.uniform())
    expect(b.filter((v, i) => v === a[i]).length).toBe(0)
    expect(c.filter((v, i) => v === a[i]).length).toBe(0)
    // Seeds above 2^32 are distinct (their high word enters the state).
    expect(createSeededRandom(2 ** 32 + 5).uniform()).not.toBe(createSeededRandom(5).uniform())
  })

  it('draws uniforms in [0, 1) with the moments of U(0, 1)', () => {
    const generator = createSeededRandom(7)
    const n = 200_000
    let sum = 0
    let sumSquares = 0
    let min = 1
    let max = 0
    const bins = new Array<number>(10).fill(0)
    for (let i = 0; i < n; i++) {
      const u = generator.uniform()
      sum += u
      sumSquares += u * u
      min = Math.min(min, u)
      max = Math.max(max, u)
      bins[Math.floor(u * 10)]++
    }
    expect(min).toBeGreaterThanOrEqual(0)
    expect(max).toBeLessThan(1)
    // Standard errors: mean 1/sqrt(12 n) = 6.5e-4, second moment sqrt(4/45 / n) = 6.7e-4; allow 5 of them.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * 6.5e-4)
    expect(Math.abs(sumSquares / n - 1 / 3)).toBeLessThan(5 * 6.7e-4)
    // Chi-square with 9 degrees of freedom: 30 is far in the tail (p about 4e-4).
    const expected = n / 10
    const chiSquare = bins.reduce((acc, count) => acc + (count - expected) ** 2 / expected, 0)
    expect(chiSquare).toBeLessThan(30)
  })

  it('draws normals with the moments of N(0, 1)', () => {
    const generator = createSeededRandom(11)
    const n = 200_000
    let sum = 0
    let sumSquares = 0
    let sumFourth = 0
    let beyondTwo = 0
    for (let i = 0; i < n; i++) {
      const z = generator.normal()
      sum += z
      sumSquares += z * z
      sumFourth += z ** 4
      if (Math.abs(z) > 2) beyondTwo++
    }
    // Standard errors: mean 1/sqrt(n) = 2.2e-3, variance sqrt(2/n) = 3.2e-3, fourth moment sqrt(96/n) = 2.2e-2;
    // P(|z| > 2) = 0.0455 with standard error sqrt(p(1-p)/n) = 4.7e-4. Allow 5 standard errors.
    expect(Math.abs(sum / n)).toBeLessThan(5 * 2.2e-3)
    expect(Math.abs(sumSquares / n - 1)).toBeLessThan(5 * 3.2e-3)
    expect(Math.abs(sumFourth / n - 3)).toBeLessThan(5 * 2.2e-2)
    expect(Math.abs(beyondTwo / n - 0.0455)).toBeLessThan(5 * 4.7e-4)
  })

  it('refuses a non-finite seed and the all-zero state', () => {
    expect(() => createSeededRandom(Number.NaN)).toThrow(/seed/)
    expect(() => SeededRandom.fromState([0, 0, 0, 0])).toThrow(/all-zero/)
  })
})
