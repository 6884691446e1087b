/**
 * A small, fast, seedable pseudo-random generator: xoshiro128** (Blackman and Vigna, 2018) over
 * four 32-bit words, seeded through splitmix32 so that nearby seeds give unrelated states.
 * Period 2^128 - 1; passes BigCrush in its 32-bit output. Pure arithmetic on 32-bit integers
 * (Math.imul, >>> 0), so the same seed gives the same numbers in Node and in a browser.
 *
 * Independent streams: createSeededRandom(seed, stream) hashes (seed, stream) together, so the
 * initial parameters (RANDOM_STREAM.initialParameters) and the random training samples
 * (RANDOM_STREAM.samples) never share a sequence, even when the user gives both the same seed.
 */

/** Stream identifiers: one per consumer of randomness, so consumers never share a sequence. */
export const RANDOM_STREAM = {
  initialParameters: 1,
  samples: 2,
} as const

const TWO_POW_32 = 4294967296
/** 2^-53: uniform() builds a double from 53 random bits. */
const TWO_POW_MINUS_53 = 1 / 9007199254740992

/** splitmix32 finaliser: a bijective 32-bit mix with good avalanche (used for seeding only). */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
  return (z ^ (z >>> 15)) >>> 0
}

/**
 * xoshiro128** generator. uniform() is in [0, 1) with 53 random bits; normal() is a standard
 * normal N(0, 1) by the Marsaglia polar method (the second value of each pair is cached).
 */
export class SeededRandom {
  private s0: number
  private s1: number
  private s2: number
  private s3: number
  private spareNormal = 0
  private hasSpareNormal = false

  /**
   * @param seed any finite number; its integer part is split into low and high 32-bit words
   *   (seeds up to 2^53 are distinct)
   * @param stream stream identifier (see RANDOM_STREAM); different streams are independent
   */
  constructor(seed: number, stream = 0) {
    if (!Number.isFinite(seed)) throw new Error(`SeededRandom: the seed must be a finite number, got ${seed}`)
    const integer = Math.trunc(seed)
    const low = integer >>> 0
    const high = Math.floor(integer / TWO_POW_32) >>> 0
    // Chain splitmix32 over (low, high, stream) to fill the 128-bit state.
    let h = mix32(low)
    h = mix32(h ^ high)
    h = mix32(h ^ Math.imul(stream | 0, 0x85ebca6b))
    this.s0 = h
    this.s1 = h = mix32(h)
    this.s2 = h = mix32(h)
    this.s3 = h = mix32(h)
    // The all-zero state is the one fixed point of xoshiro; it cannot come out of mix32 chains
    // except by astronomically unlikely chance, but guard it anyway.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /**
   * A generator with the given raw 128-bit state (four 32-bit words, not all zero), for checking
   * the published reference sequence of xoshiro128**; use the seeded constructor otherwise.
   */
  static fromState(state: readonly [number, number, number, number]): SeededRandom {
    if ((state[0] | state[1] | state[2] | state[3]) === 0) throw new Error('SeededRandom.fromState: the all-zero state is not allowed')
    const generator = new SeededRandom(0)
    generator.s0 = state[0] | 0
    generator.s1 = state[1] | 0
    generator.s2 = state[2] | 0
    generator.s3 = state[3] | 0
    return generator
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotateLeft(this.s3, 11)
    return result
  }

  /** Uniform double in [0, 1), 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5 // 27 bits
    const low = this.nextUint32() >>> 6 // 26 bits
    return (high * 67108864 + low) * TWO_POW_MINUS_53
  }

  /** Uniform double in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform()
  }

  /** Standard normal N(0, 1) by the Marsaglia polar method. */
  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false
      return this.spareNormal
    }
    let u: number
    let v: number
    let s: number
    do {
      u = 2 * this.uniform() - 1
      v = 2 * this.uniform() - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const factor = Math.sqrt((-2 * Math.log(s)) / s)
    this.spareNormal = v * factor
    this.hasSpareNormal = true
    return u * factor
  }
}

function rotateLeft(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/** A generator for `seed` on the given stream (RANDOM_STREAM). */
export function createSeededRandom(seed: number, stream = 0): SeededRandom {
  return new SeededRandom(seed, stream)
}
