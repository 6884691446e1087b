import type { Activation, NetworkSpec } from '../project/experimentTypes'
import { ACTIVATIONS } from './activations'
import {
  COS_TABLE, FAST_SIN_COS_MAX_ARGUMENT, SIN_COS, SIN_COS_INVERSE_STEP, SIN_COS_P1, SIN_COS_P2, SIN_COS_P3,
  SIN_COS_ROUNDER, SIN_COS_TABLE_SIZE, SIN_TABLE, sinCosOf,
} from './fastSinCos'
import type { NetworkParameters } from './initialParameters'
import type { TrainingProblem } from './trainingEngine'
import { trainedMask } from './twoLayerNetwork'

/**
 * The arithmetic of the js-f64 engine (gradientDescentF64.ts), written so that one step can be
 * split over threads with identical results for any thread count.
 *
 * With z_ik = alpha_k w_k . x_i + b_k and v_k = c_k a_k / sqrt(m), one GD step is
 *   phase A, per chunk of samples (rows): f_i = sum_k v_k sigma(z_ik), rho_i = q_i (f_i - g_i),
 *     the chunk's share of 1/2 sum q_i r_i^2, and the chunk's partial gradient sums of every neuron
 *     S_a = sum_i rho_i sigma(z_ik), S_b = sum_i rho_i sigma'(z_ik), S_w = sum_i rho_i sigma'(z_ik) x_i;
 *   phase B, per range of neurons: the sums over chunks (in chunk order), then
 *     a_k -= eta (c_k / sqrt m) S_a,  b_k -= eta v_k S_b,  w_k -= eta v_k alpha_k S_w.
 * The chunks are fixed by the problem (at most MAX_CHUNKS of them), not by the thread count; a
 * thread takes whole chunks in phase A and whole neurons in phase B, so every sum is added in the
 * same order whatever the number of threads: results are bit-identical for 1, 2, 3, ... threads.
 * No N x m matrix is held: phase A keeps sigma and sigma' of a block of `blockRows` rows (a
 * per-thread scratch of blockRows x m) between computing f on the block and adding the block's
 * gradient shares, so each sigma is evaluated once per step.
 *
 * Two ways to get sigma:
 * - Sine on a 1-D uniform grid x_i = x_0 + i h: (sin z, cos z) rotates by delta_k = alpha_k w_k h
 *   from one sample to the next (4 multiplications). The rotation restarts from fastSin/fastCos
 *   at every multiple of RECURRENCE_BLOCK samples (chunks start there too), which bounds its
 *   rounding to ~RECURRENCE_BLOCK ulps (~1e-14 relative). Phase A rotates twice (once for f,
 *   once for the gradient sums) instead of storing: cheaper than the scratch here.
 * - Every other case: sine through the fast sine/cosine of fastSinCos.ts (max error 1.5e-15
 *   absolute, inlined in the loop), tanh and relu through activations.ts.
 * The forward pass sums neurons in pairs (k, k + floor(m/2)) like twoLayerNetwork.ts, so the
 * zero-output initialisation gives f = 0 exactly.
 */

/** Samples between two exact restarts of the sine/cosine rotation recurrence. */
export const RECURRENCE_BLOCK = 64
/** Most chunks of samples per problem: divisible by 1, 2, 3, 4, 6, 8, 12 threads. */
export const MAX_CHUNKS = 24
/** Scratch budget of the general path: blockRows x m values per array (32768 doubles = 256 KiB). */
const BLOCK_SCRATCH_ELEMENTS = 32768
/** Fewest samples per block of the general path, however wide the network. */
const MIN_BLOCK_ROWS = 8

/** Sizes and switches of one kernel state; plain data, so it can be posted to a worker thread. */
export interface F64KernelShape {
  /** samples N */
  n: number
  /** width m */
  m: number
  dim: 1 | 2
  activation: Activation
  trained: { a: boolean; w: boolean; b: boolean }
  /** set for sine on a 1-D uniform grid: the rotation recurrence path */
  grid?: { start: number; step: number }
  /** samples per chunk (the last chunk may be shorter) and the number of chunks */
  chunkRows: number
  chunkCount: number
  /** samples per block of the general path's scratch (0 on the grid path) */
  blockRows: number
}

/** The arrays of one kernel state, all float64 views into one buffer (shared between threads). */
export interface F64KernelArrays {
  a: Float64Array
  w: Float64Array
  b: Float64Array
  scale: Float64Array
  amplitude: Float64Array
  points: Float64Array
  weights: Float64Array
  target: Float64Array
  /** f(x_i) and rho_i of the last phase A */
  f: Float64Array
  rho: Float64Array
  /** cos and sin of delta_k = alpha_k w_k h (grid path) */
  gridCos: Float64Array
  gridSin: Float64Array
  /** per chunk c, at c (2 + d) m: S_a (m), S_b (m), S_w (m x d) */
  partials: Float64Array
  /** per chunk: sum over its rows of q_i r_i^2 */
  chunkLoss: Float64Array
}

/** Shape of the kernel for a problem and network (chunks and blocks depend on N, m and the path only). */
export function kernelShape(problem: TrainingProblem, network: NetworkSpec, width: number): F64KernelShape {
  const n = problem.weights.length
  const grid = network.activation === 'sin' && problem.dim === 1 && problem.uniformGrid ? { ...problem.uniformGrid } : undefined
  const unit = grid ? RECURRENCE_BLOCK : MIN_BLOCK_ROWS
  const chunkRows = Math.max(1, unit * Math.ceil(n / (MAX_CHUNKS * unit)))
  const chunkCount = Math.max(1, Math.ceil(n / chunkRows))
  const blockRows = grid ? 0 : Math.min(chunkRows, Math.max(MIN_BLOCK_ROWS, Math.floor(BLOCK_SCRATCH_ELEMENTS / width)))
  return { n, m: width, dim: problem.dim, activation: network.activation, trained: trainedMask(network), grid, chunkRows, chunkCount, blockRows }
}

/** Lengths (in doubles) of the arrays of F64KernelArrays, in buffer order. */
function arrayLengths(shape: F64KernelShape): [keyof F64KernelArrays, number][] {
  const { n, m, dim: d, chunkCount } = shape
  return [
    ['a', m], ['w', m * d], ['b', m], ['scale', m], ['amplitude', m],
    ['points', n * d], ['weights', n], ['target', n], ['f', n], ['rho', n],
    ['gridCos', shape.grid ? m : 0], ['gridSin', shape.grid ? m : 0],
    ['partials', chunkCount * (2 + d) * m], ['chunkLoss', chunkCount],
  ]
}

/** Bytes of the buffer that holds a kernel state of this shape. */
export function kernelBufferBytes(shape: F64KernelShape): number {
  return 8 * arrayLengths(shape).reduce((sum, [, length]) => sum + length, 0)
}

/** Views of the kernel arrays in `buffer` (an ArrayBuffer, or a SharedArrayBuffer for threads). */
export function kernelArrays(shape: F64KernelShape, buffer: ArrayBufferLike): F64KernelArrays {
  const arrays: Partial<F64KernelArrays> = {}
  let offset = 0
  for (const [name, length] of arrayLengths(shape)) {
    arrays[name] = new Float64Array(buffer, offset, length)
    offset += 8 * length
  }
  return arrays as F64KernelArrays
}

/** Copies the problem and parameters into fresh kernel arrays (the caller's arrays are not kept). */
export function fillKernelArrays(arrays: F64KernelArrays, problem: TrainingProblem, params: NetworkParameters): void {
  arrays.a.set(params.a)
  arrays.w.set(params.w)
  arrays.b.set(params.b)
  arrays.scale.set(params.scale)
  arrays.amplitude.set(params.amplitude)
  arrays.points.set(problem.points)
  arrays.weights.set(problem.weights)
  arrays.target.set(problem.target)
}

/** Chunks [first, end) of phase A for participant `rank` of `participants`. */
export function chunkRange(shape: F64KernelShape, rank: number, participants: number): [number, number] {
  return [Math.floor((shape.chunkCount * rank) / participants), Math.floor((shape.chunkCount * (rank + 1)) / participants)]
}

/** Neurons [first, end) of phase B for participant `rank` of `participants`. */
export function neuronRange(shape: F64KernelShape, rank: number, participants: number): [number, number] {
  return [Math.floor((shape.m * rank) / participants), Math.floor((shape.m * (rank + 1)) / participants)]
}

/**
 * One participant's view of a kernel state: the phase A and phase B work on the shared arrays,
 * with its own scratch. Each thread builds one over the same buffer.
 */
export class F64Kernel {
  private readonly half: number
  private readonly norm: number
  private readonly blockValue: Float64Array
  private readonly blockSlope: Float64Array

  constructor(
    readonly shape: F64KernelShape,
    readonly arrays: F64KernelArrays,
  ) {
    this.half = Math.floor(shape.m / 2)
    this.norm = 1 / Math.sqrt(shape.m)
    this.blockValue = new Float64Array(shape.blockRows * shape.m)
    this.blockSlope = new Float64Array(shape.blockRows * shape.m)
  }

  /** Sets cos and sin of delta_k for neurons [k0, k1) from the current w (grid path only). */
  refreshRotation(k0: number, k1: number): void {
    const grid = this.shape.grid
    if (!grid) return
    const { scale, w, gridCos, gridSin } = this.arrays
    for (let k = k0; k < k1; k++) {
      const delta = scale[k] * w[k] * grid.step
      sinCosOf(delta)
      gridCos[k] = SIN_COS.cos
      gridSin[k] = SIN_COS.sin
    }
  }

  /** Phase A on chunks [c0, c1): f, rho and the chunk losses, and with `gradient` the partial sums. */
  forwardChunks(c0: number, c1: number, gradient: boolean): void {
    for (let c = c0; c < c1; c++) {
      const i0 = c * this.shape.chunkRows
      const i1 = Math.min(this.shape.n, i0 + this.shape.chunkRows)
      if (this.shape.grid) this.gridChunk(c, i0, i1, gradient)
      else this.generalChunk(c, i0, i1, gradient)
    }
  }

  /** Phase B on neurons [k0, k1): gradient sums over all chunks, then the GD update. */
  updateNeurons(k0: number, k1: number, eta: number): void {
    const { m, dim: d, chunkCount, trained } = this.shape
    const { a, w, b, scale, amplitude, partials } = this.arrays
    const stride = (2 + d) * m
    const norm = this.norm
    for (let k = k0; k < k1; k++) {
      let sumValue = 0
      let sumSlope = 0
      let sumX0 = 0
      let sumX1 = 0
      for (let c = 0; c < chunkCount; c++) {
        const base = c * stride
        sumValue += partials[base + k]
        sumSlope += partials[base + m + k]
        sumX0 += partials[base + 2 * m + k * d]
        if (d === 2) sumX1 += partials[base + 2 * m + 2 * k + 1]
      }
      const v = amplitude[k] * a[k] * norm
      if (trained.a) a[k] -= eta * amplitude[k] * norm * sumValue
      if (trained.b) b[k] -= eta * v * sumSlope
      if (trained.w) {
        w[k * d] -= eta * v * scale[k] * sumX0
        if (d === 2) w[k * d + 1] -= eta * v * scale[k] * sumX1
      }
    }
    this.refreshRotation(k0, k1)
  }

  /** Loss of the last phase A: 1/2 sum of the chunk losses in chunk order. */
  loss(): number {
    let sum = 0
    for (let c = 0; c < this.shape.chunkCount; c++) sum += this.arrays.chunkLoss[c]
    return 0.5 * sum
  }

  /** rho and the chunk loss on rows [i0, i1) from f. */
  private residuals(c: number, i0: number, i1: number, accumulate: boolean): void {
    const { f, rho, weights, target, chunkLoss } = this.arrays
    let loss = accumulate ? chunkLoss[c] : 0
    for (let i = i0; i < i1; i++) {
      const r = f[i] - target[i]
      const qr = weights[i] * r
      rho[i] = qr
      loss += qr * r
    }
    chunkLoss[c] = loss
  }

  /** Phase A of one chunk on the grid path (sine, 1-D uniform grid, rotation recurrence). */
  private gridChunk(c: number, i0: number, i1: number, gradient: boolean): void {
    const { start, step: h } = this.shape.grid!
    const { m } = this.shape
    const { a, w, b, scale, amplitude, f, rho, gridCos, gridSin, partials } = this.arrays
    const half = this.half
    const norm = this.norm
    const pairs = half + (m % 2)
    f.fill(0, i0, i1)
    for (let p = 0; p < pairs; p++) {
      const k = p < half ? p : m - 1
      const twin = p < half ? p + half : m - 1
      const v1 = amplitude[k] * a[k] * norm
      const v2 = p < half ? amplitude[twin] * a[twin] * norm : 0
      const slope1 = scale[k] * w[k]
      const slope2 = scale[twin] * w[twin]
      const cos1 = gridCos[k]
      const sin1 = gridSin[k]
      const cos2 = gridCos[twin]
      const sin2 = gridSin[twin]
      for (let j0 = i0; j0 < i1; j0 += RECURRENCE_BLOCK) {
        const x0 = start + j0 * h
        const z1 = slope1 * x0 + b[k]
        const z2 = slope2 * x0 + b[twin]
        sinCosOf(z1)
        let s1 = SIN_COS.sin
        let c1 = SIN_COS.cos
        sinCosOf(z2)
        let s2 = SIN_COS.sin
        let c2 = SIN_COS.cos
        const end = Math.min(i1, j0 + RECURRENCE_BLOCK)
        for (let i = j0; i < end; i++) {
          f[i] += v1 * s1 + v2 * s2
          const next1 = s1 * cos1 + c1 * sin1
          c1 = c1 * cos1 - s1 * sin1
          s1 = next1
          const next2 = s2 * cos2 + c2 * sin2
          c2 = c2 * cos2 - s2 * sin2
          s2 = next2
        }
      }
    }
    this.residuals(c, i0, i1, false)
    if (!gradient) return
    // Gradient sums, two neurons at a time: two independent rotation chains keep the multipliers
    // busy (one chain is bound by the latency of its multiply-add).
    const base = c * 3 * m
    for (let k = 0; k < m; k += 2) {
      const k2 = Math.min(k + 1, m - 1)
      const slope1 = scale[k] * w[k]
      const slope2 = scale[k2] * w[k2]
      const cos1 = gridCos[k]
      const sin1 = gridSin[k]
      const cos2 = gridCos[k2]
      const sin2 = gridSin[k2]
      let value1 = 0
      let value2 = 0
      let slopeSum1 = 0
      let slopeSum2 = 0
      let slopeX1 = 0
      let slopeX2 = 0
      for (let j0 = i0; j0 < i1; j0 += RECURRENCE_BLOCK) {
        const x0 = start + j0 * h
        const z1 = slope1 * x0 + b[k]
        const z2 = slope2 * x0 + b[k2]
        sinCosOf(z1)
        let s1 = SIN_COS.sin
        let c1 = SIN_COS.cos
        sinCosOf(z2)
        let s2 = SIN_COS.sin
        let c2 = SIN_COS.cos
        const end = Math.min(i1, j0 + RECURRENCE_BLOCK)
        for (let i = j0; i < end; i++) {
          const r = rho[i]
          const x = start + i * h
          const rc1 = r * c1
          const rc2 = r * c2
          value1 += r * s1
          value2 += r * s2
          slopeSum1 += rc1
          slopeSum2 += rc2
          slopeX1 += rc1 * x
          slopeX2 += rc2 * x
          const next1 = s1 * cos1 + c1 * sin1
          c1 = c1 * cos1 - s1 * sin1
          s1 = next1
          const next2 = s2 * cos2 + c2 * sin2
          c2 = c2 * cos2 - s2 * sin2
          s2 = next2
        }
      }
      partials[base + k] = value1
      partials[base + m + k] = slopeSum1
      partials[base + 2 * m + k] = slopeX1
      if (k2 !== k) {
        partials[base + k2] = value2
        partials[base + m + k2] = slopeSum2
        partials[base + 2 * m + k2] = slopeX2
      }
    }
  }

  /**
   * Phase A of one chunk on the general path, in blocks of blockRows rows: sigma and sigma' of
   * every neuron on the block into the scratch (fused with f), rho on the block, then each
   * neuron's block share of the gradient sums.
   */
  private generalChunk(c: number, i0: number, i1: number, gradient: boolean): void {
    const { m, dim: d, blockRows: rows } = this.shape
    const { partials } = this.arrays
    const stride = (2 + d) * m
    const base = c * stride
    if (gradient) partials.fill(0, base, base + stride)
    for (let r0 = i0; r0 < i1; r0 += rows) {
      const count = Math.min(rows, i1 - r0)
      if (this.shape.activation === 'sin') this.sineBlock(r0, count)
      else this.activationBlock(r0, count)
      this.residuals(c, r0, r0 + count, r0 !== i0)
      if (gradient) this.blockGradient(base, r0, count)
    }
  }

  /** Sine on rows [r0, r0 + count): sin into blockValue, cos into blockSlope, f. */
  private sineBlock(r0: number, count: number): void {
    const { m, dim: d, blockRows: rows } = this.shape
    const { a, w, b, scale, amplitude, points: x, f } = this.arrays
    const value = this.blockValue
    const slope = this.blockSlope
    const half = this.half
    const norm = this.norm
    const pairs = half + (m % 2)
    const mask = SIN_COS_TABLE_SIZE - 1
    f.fill(0, r0, r0 + count)
    for (let p = 0; p < pairs; p++) {
      const k = p < half ? p : m - 1
      const twin = p < half ? p + half : m - 1
      const v1 = amplitude[k] * a[k] * norm
      const v2 = p < half ? amplitude[twin] * a[twin] * norm : 0
      const b1 = b[k]
      const b2 = b[twin]
      const p10 = scale[k] * w[k * d]
      const p20 = scale[twin] * w[twin * d]
      const p11 = d === 2 ? scale[k] * w[2 * k + 1] : 0
      const p21 = d === 2 ? scale[twin] * w[2 * twin + 1] : 0
      const base1 = k * rows
      const base2 = twin * rows
      for (let r = 0; r < count; r++) {
        const i = r0 + r
        const z1 = d === 1 ? p10 * x[i] + b1 : p10 * x[2 * i] + p11 * x[2 * i + 1] + b1
        const z2 = d === 1 ? p20 * x[i] + b2 : p20 * x[2 * i] + p21 * x[2 * i + 1] + b2
        let y1: number
        let y2: number
        if (Math.abs(z1) <= FAST_SIN_COS_MAX_ARGUMENT && Math.abs(z2) <= FAST_SIN_COS_MAX_ARGUMENT) {
          // sinCosOf (fastSinCos.ts) inlined for both neurons of the pair: through the call, this loop is 20% slower (measured)
          const q1 = z1 * SIN_COS_INVERSE_STEP + SIN_COS_ROUNDER - SIN_COS_ROUNDER
          const q2 = z2 * SIN_COS_INVERSE_STEP + SIN_COS_ROUNDER - SIN_COS_ROUNDER
          const u1 = z1 - q1 * SIN_COS_P1 - q1 * SIN_COS_P2 - q1 * SIN_COS_P3
          const u2 = z2 - q2 * SIN_COS_P1 - q2 * SIN_COS_P2 - q2 * SIN_COS_P3
          const j1 = q1 & mask
          const j2 = q2 & mask
          const t1 = u1 * u1
          const t2 = u2 * u2
          const sr1 = u1 + u1 * t1 * (-1 / 6 + t1 * (1 / 120 + t1 * (-1 / 5040)))
          const cr1 = 1 + t1 * (-0.5 + t1 * (1 / 24 + t1 * (-1 / 720 + t1 * (1 / 40320))))
          const sr2 = u2 + u2 * t2 * (-1 / 6 + t2 * (1 / 120 + t2 * (-1 / 5040)))
          const cr2 = 1 + t2 * (-0.5 + t2 * (1 / 24 + t2 * (-1 / 720 + t2 * (1 / 40320))))
          const S1 = SIN_TABLE[j1]
          const C1 = COS_TABLE[j1]
          const S2 = SIN_TABLE[j2]
          const C2 = COS_TABLE[j2]
          y1 = S1 * cr1 + C1 * sr1
          y2 = S2 * cr2 + C2 * sr2
          slope[base1 + r] = C1 * cr1 - S1 * sr1
          slope[base2 + r] = C2 * cr2 - S2 * sr2
        } else {
          y1 = Math.sin(z1)
          y2 = Math.sin(z2)
          slope[base1 + r] = Math.cos(z1)
          slope[base2 + r] = Math.cos(z2)
        }
        value[base1 + r] = y1
        value[base2 + r] = y2
        f[i] += v1 * y1 + v2 * y2
      }
    }
  }

  /** tanh or relu on rows [r0, r0 + count): sigma into blockValue, sigma' into blockSlope, f. */
  private activationBlock(r0: number, count: number): void {
    const { m, dim: d, blockRows: rows } = this.shape
    const { a, w, b, scale, amplitude, points: x, f } = this.arrays
    const value = this.blockValue
    const slope = this.blockSlope
    const activation = ACTIVATIONS[this.shape.activation]
    const sigma = activation.f
    const dSigma = activation.df
    const dSigmaFromValue = activation.dfFromValue
    const half = this.half
    const norm = this.norm
    const pairs = half + (m % 2)
    f.fill(0, r0, r0 + count)
    for (let p = 0; p < pairs; p++) {
      const k = p < half ? p : m - 1
      const twin = p < half ? p + half : m - 1
      const v1 = amplitude[k] * a[k] * norm
      const v2 = p < half ? amplitude[twin] * a[twin] * norm : 0
      const b1 = b[k]
      const b2 = b[twin]
      const p10 = scale[k] * w[k * d]
      const p20 = scale[twin] * w[twin * d]
      const p11 = d === 2 ? scale[k] * w[2 * k + 1] : 0
      const p21 = d === 2 ? scale[twin] * w[2 * twin + 1] : 0
      const base1 = k * rows
      const base2 = twin * rows
      for (let r = 0; r < count; r++) {
        const i = r0 + r
        const z1 = d === 1 ? p10 * x[i] + b1 : p10 * x[2 * i] + p11 * x[2 * i + 1] + b1
        const z2 = d === 1 ? p20 * x[i] + b2 : p20 * x[2 * i] + p21 * x[2 * i + 1] + b2
        const y1 = sigma(z1)
        const y2 = sigma(z2)
        slope[base1 + r] = dSigmaFromValue ? dSigmaFromValue(y1) : dSigma(z1)
        slope[base2 + r] = dSigmaFromValue ? dSigmaFromValue(y2) : dSigma(z2)
        value[base1 + r] = y1
        value[base2 + r] = y2
        f[i] += v1 * y1 + v2 * y2
      }
    }
  }

  /** Adds the block's share of every neuron's gradient sums to the chunk's partials at `base`. */
  private blockGradient(base: number, r0: number, count: number): void {
    const { m, dim: d, blockRows: rows } = this.shape
    const { points: x, rho, partials } = this.arrays
    const value = this.blockValue
    const slope = this.blockSlope
    for (let k = 0; k < m; k++) {
      const at = k * rows
      let sumValue = 0
      let sumSlope = 0
      let sumX0 = 0
      let sumX1 = 0
      if (d === 1) {
        for (let r = 0; r < count; r++) {
          const rh = rho[r0 + r]
          const rs = rh * slope[at + r]
          sumValue += rh * value[at + r]
          sumSlope += rs
          sumX0 += rs * x[r0 + r]
        }
      } else {
        for (let r = 0; r < count; r++) {
          const i = r0 + r
          const rh = rho[i]
          const rs = rh * slope[at + r]
          sumValue += rh * value[at + r]
          sumSlope += rs
          sumX0 += rs * x[2 * i]
          sumX1 += rs * x[2 * i + 1]
        }
      }
      partials[base + k] += sumValue
      partials[base + m + k] += sumSlope
      partials[base + 2 * m + k * d] += sumX0
      if (d === 2) partials[base + 2 * m + 2 * k + 1] += sumX1
    }
  }
}
