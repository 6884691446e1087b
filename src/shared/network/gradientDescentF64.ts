import type { NetworkSpec } from '../project/experimentTypes'
import { ACTIVATIONS, type ActivationFunction } from './activations'
import type { NetworkParameters } from './initialParameters'
import type { ParameterValues, TrainingEngine, TrainingProblem } from './trainingEngine'
import { trainedMask, type TrainedMask } from './twoLayerNetwork'

/**
 * The "js-f64" engine: plain gradient descent on the two-layer network in float64 (spec sections
 * 1-2), without ever holding an N x m matrix. With z_ik = alpha_k w_k . x_i + b_k and
 * v_k = c_k a_k / sqrt(m), one step is two passes over (sample, neuron):
 *   pass 1 (forward): f_i = sum_k v_k sigma(z_ik), rho_i = q_i (f_i - g_i), Loss = 1/2 sum q_i r_i^2
 *   pass 2 (per neuron): S_a = sum_i rho_i sigma(z_ik), S_b = sum_i rho_i sigma'(z_ik),
 *     S_w = sum_i rho_i sigma'(z_ik) x_i, and then
 *     a_k -= eta (c_k / sqrt m) S_a,  b_k -= eta v_k S_b,  w_k -= eta v_k alpha_k S_w.
 * Neuron k's gradient depends only on rho and neuron k's own parameters, so updating it right
 * after its sums is exact GD.
 *
 * Two implementations of the passes:
 * - Sine on a 1-D uniform grid x_i = x_0 + i h (problem.uniformGrid): along the grid z advances by
 *   delta_k = alpha_k w_k h, so (sin z, cos z) is rotated by delta_k from one sample to the next
 *   (4 multiplications instead of a Math.sin and a Math.cos). The recurrence restarts from
 *   Math.sin/cos every RECURRENCE_BLOCK samples, which bounds its rounding to ~RECURRENCE_BLOCK
 *   ulps (~1e-14 relative) whatever N is. Both passes run the recurrence over all samples.
 * - Every other case (random samples, 2-D, tanh, relu): the passes run on row blocks of samples
 *   whose sigma and sigma' (Math.sin/cos, or the activation table) are kept in a small
 *   blockRows x m scratch between pass 1 and pass 2 (stepGeneral), so each is evaluated once per
 *   step; the gradient sums add up over blocks and the parameters move after the last block.
 *
 * The forward pass sums neurons in pairs (k, k + floor(m/2)) like twoLayerNetwork.ts, so the
 * zero-output initialisation gives f = 0 exactly. The forward result is cached: loss() and
 * output() after step() cost one forward pass (which the grid path's next step reuses).
 *
 * Measured on this machine (N = 401 grid points, m = 1000, scales 1,2,4,8, a and w trained):
 * grid recurrence 1.8-3 ms per step, the blocked general path 8 ms (sine) and 7 ms (tanh);
 * tfjs 4.22 on the same problem: cpu backend 85-99 ms, wasm 17-31 ms.
 */

/** Samples between two exact restarts of the sine/cosine rotation recurrence. */
const RECURRENCE_BLOCK = 64
/** Scratch budget of the general path: blockRows x m values per array (32768 doubles = 256 KiB, cache-sized). */
const BLOCK_SCRATCH_ELEMENTS = 32768
/** Fewest samples per block of the general path, however wide the network. */
const MIN_BLOCK_ROWS = 8

/** The js-f64 engine: a TrainingEngine whose methods are all synchronous. */
export interface F64TrainingEngine extends TrainingEngine {
  readonly backend: 'js-f64'
  readonly precision: 'float64'
  step(learningRate: number, count: number): void
  output(out?: Float64Array): Float64Array
  loss(): number
  parameters(): ParameterValues
}

/**
 * Creates the js-f64 engine on a copy of `params` (the caller's arrays are not modified).
 * @param problem samples, quadrature weights and target (trainingEngine.ts)
 * @param network activation, bias and trained parameters (spec section 1)
 */
export function createF64Trainer(problem: TrainingProblem, network: NetworkSpec, params: NetworkParameters): F64TrainingEngine {
  return new F64Trainer(problem, network, params)
}

class F64Trainer implements F64TrainingEngine {
  readonly backend = 'js-f64' as const
  readonly precision = 'float64' as const

  private readonly width: number
  private readonly dim: number
  private readonly sampleCount: number
  private readonly half: number
  private readonly norm: number
  private readonly a: Float64Array
  private readonly w: Float64Array
  private readonly b: Float64Array
  private readonly scale: Float64Array
  private readonly amplitude: Float64Array
  private readonly points: Float64Array
  private readonly weights: Float64Array
  private readonly target: Float64Array
  private readonly trained: TrainedMask
  private readonly activation: ActivationFunction
  private readonly isSine: boolean
  private readonly grid: { start: number; step: number } | undefined
  /** f(x_i) of the current parameters, valid when forwardValid */
  private readonly f: Float64Array
  /** rho_i = q_i r_i */
  private readonly rho: Float64Array
  /** samples per row block of the general path (stepGeneral) */
  private readonly blockRows: number
  /** scratch of the general path: sigma and sigma' of neuron k at block row r in [k blockRows + r] */
  private readonly blockValue: Float64Array
  private readonly blockSlope: Float64Array
  /** per-neuron gradient sums of the general path: sum rho sigma, sum rho sigma', sum rho sigma' x (m x d) */
  private readonly sumValue: Float64Array
  private readonly sumSlope: Float64Array
  private readonly sumSlopeX: Float64Array
  private forwardValid = false
  private currentLoss = Number.NaN
  private disposed = false

  constructor(problem: TrainingProblem, network: NetworkSpec, params: NetworkParameters) {
    const d = problem.dim
    const n = problem.weights.length
    if (params.dim !== d) throw new Error(`js-f64: parameters are for dimension ${params.dim}, the problem has dimension ${d}`)
    if (problem.points.length !== n * d || problem.target.length !== n) {
      throw new Error(`js-f64: problem arrays disagree: ${problem.points.length / d} points, ${n} weights, ${problem.target.length} targets`)
    }
    this.width = params.width
    this.dim = d
    this.sampleCount = n
    this.half = Math.floor(params.width / 2)
    this.norm = 1 / Math.sqrt(params.width)
    this.a = Float64Array.from(params.a)
    this.w = Float64Array.from(params.w)
    this.b = Float64Array.from(params.b)
    this.scale = Float64Array.from(params.scale)
    this.amplitude = Float64Array.from(params.amplitude)
    this.points = problem.points
    this.weights = problem.weights
    this.target = problem.target
    this.trained = trainedMask(network)
    this.activation = ACTIVATIONS[network.activation]
    this.isSine = network.activation === 'sin'
    this.grid = d === 1 && problem.uniformGrid ? { ...problem.uniformGrid } : undefined
    this.f = new Float64Array(n)
    this.rho = new Float64Array(n)
    const generalPath = !(this.isSine && this.grid)
    this.blockRows = generalPath ? Math.max(MIN_BLOCK_ROWS, Math.min(n, Math.floor(BLOCK_SCRATCH_ELEMENTS / this.width))) : 0
    this.blockValue = new Float64Array(this.blockRows * this.width)
    this.blockSlope = new Float64Array(this.blockRows * this.width)
    this.sumValue = new Float64Array(generalPath ? this.width : 0)
    this.sumSlope = new Float64Array(generalPath ? this.width : 0)
    this.sumSlopeX = new Float64Array(generalPath ? this.width * d : 0)
  }

  step(learningRate: number, count: number): void {
    this.checkAlive()
    for (let s = 0; s < count; s++) {
      if (this.isSine && this.grid) {
        if (!this.forwardValid) this.forward()
        this.updateSineGrid(learningRate)
      } else {
        this.stepGeneral(learningRate)
      }
      this.forwardValid = false
    }
  }

  output(out?: Float64Array): Float64Array {
    this.checkAlive()
    if (!this.forwardValid) this.forward()
    const result = out ?? new Float64Array(this.sampleCount)
    result.set(this.f)
    return result
  }

  loss(): number {
    this.checkAlive()
    if (!this.forwardValid) this.forward()
    return this.currentLoss
  }

  parameters(): ParameterValues {
    this.checkAlive()
    return { a: Float64Array.from(this.a), w: Float64Array.from(this.w), b: Float64Array.from(this.b) }
  }

  dispose(): void {
    this.disposed = true
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('js-f64: the engine was disposed')
  }

  /** Pass 1: f, rho and the loss at the current parameters. */
  private forward(): void {
    this.f.fill(0)
    if (this.isSine && this.grid) this.forwardSineGrid()
    else this.forwardGeneral()
    let loss = 0
    for (let i = 0; i < this.sampleCount; i++) {
      const r = this.f[i] - this.target[i]
      const qr = this.weights[i] * r
      this.rho[i] = qr
      loss += qr * r
    }
    this.currentLoss = 0.5 * loss
    this.forwardValid = true
  }

  /** v_k = c_k a_k / sqrt(m) (the same product order as twoLayerNetwork.ts, so twins cancel exactly). */
  private outputWeight(k: number): number {
    return this.amplitude[k] * this.a[k] * this.norm
  }

  /** Neuron pairs (k, twin): (p, p + half), and (m - 1, m - 1) with a zero second weight when m is odd. */
  private pairCount(): number {
    return this.half + (this.width % 2)
  }

  /** First neuron of pair p. */
  private pairFirst(p: number): number {
    return p < this.half ? p : this.width - 1
  }

  /** Second neuron of pair p (the first one again for the unpaired last neuron). */
  private pairSecond(p: number): number {
    return p < this.half ? p + this.half : this.width - 1
  }

  /** Output weight of the second neuron of pair p (0 for the unpaired last neuron, so it counts once). */
  private pairSecondWeight(p: number): number {
    return p < this.half ? this.outputWeight(p + this.half) : 0
  }

  private forwardSineGrid(): void {
    const { start, step: h } = this.grid!
    const n = this.sampleCount
    const f = this.f
    for (let p = 0; p < this.pairCount(); p++) {
      const k = this.pairFirst(p)
      const twin = this.pairSecond(p)
      const v1 = this.outputWeight(k)
      const v2 = this.pairSecondWeight(p)
      const slope1 = this.scale[k] * this.w[k]
      const slope2 = this.scale[twin] * this.w[twin]
      const cosDelta1 = Math.cos(slope1 * h)
      const sinDelta1 = Math.sin(slope1 * h)
      const cosDelta2 = Math.cos(slope2 * h)
      const sinDelta2 = Math.sin(slope2 * h)
      for (let i0 = 0; i0 < n; i0 += RECURRENCE_BLOCK) {
        const x0 = start + i0 * h
        const z1 = slope1 * x0 + this.b[k]
        const z2 = slope2 * x0 + this.b[twin]
        let s1 = Math.sin(z1)
        let c1 = Math.cos(z1)
        let s2 = Math.sin(z2)
        let c2 = Math.cos(z2)
        const end = Math.min(n, i0 + RECURRENCE_BLOCK)
        for (let i = i0; i < end; i++) {
          f[i] += v1 * s1 + v2 * s2
          const next1 = s1 * cosDelta1 + c1 * sinDelta1
          c1 = c1 * cosDelta1 - s1 * sinDelta1
          s1 = next1
          const next2 = s2 * cosDelta2 + c2 * sinDelta2
          c2 = c2 * cosDelta2 - s2 * sinDelta2
          s2 = next2
        }
      }
    }
  }

  private forwardGeneral(): void {
    const n = this.sampleCount
    const d = this.dim
    const x = this.points
    const f = this.f
    const sigma = this.activation.f
    const isSine = this.isSine
    for (let p = 0; p < this.pairCount(); p++) {
      const k = this.pairFirst(p)
      const twin = this.pairSecond(p)
      const v1 = this.outputWeight(k)
      const v2 = this.pairSecondWeight(p)
      const b1 = this.b[k]
      const b2 = this.b[twin]
      if (d === 1) {
        const slope1 = this.scale[k] * this.w[k]
        const slope2 = this.scale[twin] * this.w[twin]
        for (let i = 0; i < n; i++) {
          const z1 = slope1 * x[i] + b1
          const z2 = slope2 * x[i] + b2
          f[i] += isSine ? v1 * Math.sin(z1) + v2 * Math.sin(z2) : v1 * sigma(z1) + v2 * sigma(z2)
        }
      } else {
        const p10 = this.scale[k] * this.w[2 * k]
        const p11 = this.scale[k] * this.w[2 * k + 1]
        const p20 = this.scale[twin] * this.w[2 * twin]
        const p21 = this.scale[twin] * this.w[2 * twin + 1]
        for (let i = 0; i < n; i++) {
          const z1 = p10 * x[2 * i] + p11 * x[2 * i + 1] + b1
          const z2 = p20 * x[2 * i] + p21 * x[2 * i + 1] + b2
          f[i] += isSine ? v1 * Math.sin(z1) + v2 * Math.sin(z2) : v1 * sigma(z1) + v2 * sigma(z2)
        }
      }
    }
  }

  /** Pass 2 on the uniform grid with the rotation recurrence; updates every neuron in place. */
  private updateSineGrid(eta: number): void {
    const { start, step: h } = this.grid!
    const n = this.sampleCount
    const rho = this.rho
    const trained = this.trained
    for (let k = 0; k < this.width; k++) {
      const slope = this.scale[k] * this.w[k]
      const cosDelta = Math.cos(slope * h)
      const sinDelta = Math.sin(slope * h)
      let sumValue = 0
      let sumSlope = 0
      let sumSlopeX = 0
      for (let i0 = 0; i0 < n; i0 += RECURRENCE_BLOCK) {
        const x0 = start + i0 * h
        const z = slope * x0 + this.b[k]
        let s = Math.sin(z)
        let c = Math.cos(z)
        let x = x0
        const end = Math.min(n, i0 + RECURRENCE_BLOCK)
        for (let i = i0; i < end; i++) {
          const r = rho[i]
          sumValue += r * s
          sumSlope += r * c
          sumSlopeX += r * c * x
          const next = s * cosDelta + c * sinDelta
          c = c * cosDelta - s * sinDelta
          s = next
          x = start + (i + 1) * h
        }
      }
      const v = this.outputWeight(k)
      if (trained.a) this.a[k] -= eta * this.amplitude[k] * this.norm * sumValue
      if (trained.b) this.b[k] -= eta * v * sumSlope
      if (trained.w) this.w[k] -= eta * v * this.scale[k] * sumSlopeX
    }
  }

  /**
   * One whole step on the general path, in row blocks of `blockRows` samples: for each block,
   * pass 1 evaluates sigma and sigma' of every neuron on the block once (into the blockValue and
   * blockSlope scratch, blockRows x m), adds up f and rho on the block, and pass 2 adds the block's
   * share to each neuron's gradient sums; the parameters move after the last block. Compared with
   * two passes over all samples this evaluates each sin/cos (or tanh) once per step, not twice.
   */
  private stepGeneral(eta: number): void {
    const n = this.sampleCount
    const d = this.dim
    const m = this.width
    const rows = this.blockRows
    const x = this.points
    const f = this.f
    const rho = this.rho
    const value = this.blockValue
    const slope = this.blockSlope
    const sumValue = this.sumValue
    const sumSlope = this.sumSlope
    const sumSlopeX = this.sumSlopeX
    const trained = this.trained
    const needValue = trained.a
    const needSlope = trained.b || trained.w
    const sigma = this.activation.f
    const dSigma = this.activation.df
    const dSigmaFromValue = this.activation.dfFromValue
    const isSine = this.isSine
    sumValue.fill(0)
    sumSlope.fill(0)
    sumSlopeX.fill(0)

    for (let i0 = 0; i0 < n; i0 += rows) {
      const count = Math.min(rows, n - i0)
      f.fill(0, i0, i0 + count)
      // Pass 1 over the block: sigma, sigma' of every neuron, and f.
      for (let p = 0; p < this.pairCount(); p++) {
        const k = this.pairFirst(p)
        const twin = this.pairSecond(p)
        const v1 = this.outputWeight(k)
        const v2 = this.pairSecondWeight(p)
        const b1 = this.b[k]
        const b2 = this.b[twin]
        const p10 = this.scale[k] * this.w[k * d]
        const p20 = this.scale[twin] * this.w[twin * d]
        const p11 = d === 2 ? this.scale[k] * this.w[2 * k + 1] : 0
        const p21 = d === 2 ? this.scale[twin] * this.w[2 * twin + 1] : 0
        const base1 = k * rows
        const base2 = twin * rows
        for (let r = 0; r < count; r++) {
          const i = i0 + r
          const z1 = d === 1 ? p10 * x[i] + b1 : p10 * x[2 * i] + p11 * x[2 * i + 1] + b1
          const z2 = d === 1 ? p20 * x[i] + b2 : p20 * x[2 * i] + p21 * x[2 * i + 1] + b2
          let y1: number
          let y2: number
          if (isSine) {
            y1 = Math.sin(z1)
            y2 = Math.sin(z2)
            if (needSlope) {
              slope[base1 + r] = Math.cos(z1)
              slope[base2 + r] = Math.cos(z2)
            }
          } else {
            y1 = sigma(z1)
            y2 = sigma(z2)
            if (needSlope) {
              slope[base1 + r] = dSigmaFromValue ? dSigmaFromValue(y1) : dSigma(z1)
              slope[base2 + r] = dSigmaFromValue ? dSigmaFromValue(y2) : dSigma(z2)
            }
          }
          value[base1 + r] = y1
          value[base2 + r] = y2
          f[i] += v1 * y1 + v2 * y2
        }
      }
      for (let i = i0; i < i0 + count; i++) rho[i] = this.weights[i] * (f[i] - this.target[i])
      // Pass 2 over the block: each neuron's gradient sums.
      for (let k = 0; k < m; k++) {
        const base = k * rows
        let blockValueSum = 0
        let blockSlopeSum = 0
        let blockSlopeX0 = 0
        let blockSlopeX1 = 0
        for (let r = 0; r < count; r++) {
          const i = i0 + r
          const rh = rho[i]
          if (needValue) blockValueSum += rh * value[base + r]
          if (needSlope) {
            const rs = rh * slope[base + r]
            blockSlopeSum += rs
            if (d === 1) blockSlopeX0 += rs * x[i]
            else {
              blockSlopeX0 += rs * x[2 * i]
              blockSlopeX1 += rs * x[2 * i + 1]
            }
          }
        }
        sumValue[k] += blockValueSum
        sumSlope[k] += blockSlopeSum
        sumSlopeX[k * d] += blockSlopeX0
        if (d === 2) sumSlopeX[k * d + 1] += blockSlopeX1
      }
    }

    for (let k = 0; k < m; k++) {
      const v = this.outputWeight(k)
      const alpha = this.scale[k]
      if (trained.a) this.a[k] -= eta * this.amplitude[k] * this.norm * sumValue[k]
      if (trained.b) this.b[k] -= eta * v * sumSlope[k]
      if (trained.w) for (let l = 0; l < d; l++) this.w[k * d + l] -= eta * v * alpha * sumSlopeX[k * d + l]
    }
  }
}
