import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs'
import type { NetworkSpec } from '../../../shared/project/experimentTypes'
import type { NetworkParameters } from '../../../shared/network/initialParameters'
import type { ParameterValues, TrainingEngine, TrainingProblem } from '../../../shared/network/trainingEngine'
import { trainedMask, type TrainedMask } from '../../../shared/network/twoLayerNetwork'
import type { TfjsBackend, TfjsModule } from './tfjsBackends'

/**
 * Gradient descent on the two-layer network with TensorFlow.js in float32 (spec sections 1-2),
 * by the explicit gradient formulas of twoLayerNetwork.ts on whole matrices:
 *   Z = alpha (X W^T) + b            N x m  (X: N x d samples, W: m x d, alpha and b rows of length m)
 *   f = sigma(Z) v,  v = c a / sqrt(m),  rho = q (f - g),  Loss = 1/2 sum q (f - g)^2
 *   grad a = (c / sqrt m) (sigma(Z)^T rho)
 *   D = sigma'(Z) * rho              (rho broadcast along the neurons)
 *   grad b = v (1^T D),  grad w = (v alpha) (D^T X)
 * The samples are processed in row blocks of at most MAX_BLOCK_ELEMENTS / m rows, so the N x m
 * intermediates stay bounded for large 2-D problems; gradients and losses add over blocks.
 * Every step runs inside tf.tidy and updates tf.Variables with assign, so the tensor count does
 * not grow from step to step. f(theta_0) of the zero-output initialisation is zero only up to
 * float32 rounding of the matrix product (the js-f64 engine makes it exact).
 */

/** Largest N x m intermediate, in elements (2^22 float32 = 16 MiB per matrix). */
const MAX_BLOCK_ELEMENTS = 1 << 22

type Activation = NetworkSpec['activation']

export interface TfjsTrainerOptions {
  /** bound on the rows x m intermediates, in elements (default MAX_BLOCK_ELEMENTS; tests make it small to exercise blocking) */
  maxBlockElements?: number
}

/**
 * Creates a tfjs engine on the active backend of `tf` (loaded by loadTfjsBackend) with float32
 * copies of `params`; the caller's arrays are not modified.
 */
export async function createTfjsTrainer(
  tf: TfjsModule,
  backend: TfjsBackend,
  problem: TrainingProblem,
  network: NetworkSpec,
  params: NetworkParameters,
  options: TfjsTrainerOptions = {},
): Promise<TrainingEngine> {
  await tf.ready()
  return new TfjsTrainer(tf, backend, problem, network, params, options.maxBlockElements ?? MAX_BLOCK_ELEMENTS)
}

/** One row block of the samples: X (rows x d), q and g (rows x 1). */
interface SampleBlock {
  x: Tensor2D
  q: Tensor2D
  g: Tensor2D
}

class TfjsTrainer implements TrainingEngine {
  readonly precision = 'float32' as const
  private readonly blocks: SampleBlock[]
  private readonly a: Variable
  private readonly w: Variable
  private readonly b: Variable
  private readonly scaleRow: Tensor2D
  /** c_k / sqrt(m) as a row 1 x m */
  private readonly amplitudeRow: Tensor2D
  private readonly trained: TrainedMask
  private readonly hasBias: boolean
  private readonly sampleCount: number
  private disposed = false

  constructor(
    private readonly tf: TfjsModule,
    readonly backend: TfjsBackend,
    problem: TrainingProblem,
    private readonly network: NetworkSpec,
    params: NetworkParameters,
    maxBlockElements: number,
  ) {
    const m = params.width
    const d = problem.dim
    const n = problem.weights.length
    if (params.dim !== d) throw new Error(`tfjs: parameters are for dimension ${params.dim}, the problem has dimension ${d}`)
    this.sampleCount = n
    this.trained = trainedMask(network)
    this.hasBias = network.bias
    const rowsPerBlock = Math.max(1, Math.floor(maxBlockElements / m))
    this.blocks = []
    for (let start = 0; start < n; start += rowsPerBlock) {
      const end = Math.min(n, start + rowsPerBlock)
      this.blocks.push({
        x: tf.tensor2d(Float32Array.from(problem.points.subarray(start * d, end * d)), [end - start, d]),
        q: tf.tensor2d(Float32Array.from(problem.weights.subarray(start, end)), [end - start, 1]),
        g: tf.tensor2d(Float32Array.from(problem.target.subarray(start, end)), [end - start, 1]),
      })
    }
    // tidy disposes the initial values once the variables hold their own copies (variables survive tidy).
    this.a = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(params.a), [m, 1]), this.trained.a))
    this.w = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(params.w), [m, d]), this.trained.w))
    this.b = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(params.b), [1, m]), this.trained.b))
    this.scaleRow = tf.tensor2d(Float32Array.from(params.scale), [1, m])
    const norm = 1 / Math.sqrt(m)
    this.amplitudeRow = tf.tensor2d(Float32Array.from(params.amplitude, (c) => c * norm), [1, m])
  }

  async step(learningRate: number, count: number): Promise<void> {
    this.checkAlive()
    const tf = this.tf
    for (let s = 0; s < count; s++) {
      tf.tidy(() => {
        const eta = tf.scalar(learningRate)
        let gradA: Tensor | undefined
        let gradB: Tensor | undefined
        let gradW: Tensor | undefined
        const vRow = this.amplitudeRow.mul(this.a.transpose()) as Tensor2D // 1 x m
        for (const block of this.blocks) {
          const z = this.preActivation(block.x)
          const value = this.sigma(z)
          const rho = block.q.mul(value.matMul(vRow, false, true).sub(block.g)) as Tensor2D // rows x 1
          if (this.trained.a) {
            const part = value.matMul(rho, true, false) // m x 1
            gradA = gradA ? gradA.add(part) : part
          }
          if (this.trained.b || this.trained.w) {
            const slope = this.sigmaPrime(z).mul(rho) as Tensor2D // rows x m
            if (this.trained.b) {
              const part = slope.sum(0, true) // 1 x m
              gradB = gradB ? gradB.add(part) : part
            }
            if (this.trained.w) {
              const part = slope.matMul(block.x, true, false) // m x d
              gradW = gradW ? gradW.add(part) : part
            }
          }
        }
        if (gradA) this.a.assign(this.a.sub(gradA.mul(this.amplitudeRow.transpose()).mul(eta)))
        if (gradB) this.b.assign(this.b.sub(gradB.mul(vRow).mul(eta)))
        if (gradW) this.w.assign(this.w.sub(gradW.mul(vRow.mul(this.scaleRow).transpose()).mul(eta)))
      })
    }
    // Wait for the device, so that callers timing a chunk of steps measure the work, not the queueing.
    await this.a.data()
  }

  async output(out?: Float64Array): Promise<Float64Array> {
    this.checkAlive()
    const values = await this.forward('output')
    const result = out ?? new Float64Array(this.sampleCount)
    result.set(values)
    return result
  }

  async loss(): Promise<number> {
    this.checkAlive()
    return (await this.forward('loss'))[0]
  }

  async parameters(): Promise<ParameterValues> {
    this.checkAlive()
    const [a, w, b] = await Promise.all([this.a.data(), this.w.data(), this.b.data()])
    return { a: Float64Array.from(a), w: Float64Array.from(w), b: Float64Array.from(b) }
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const block of this.blocks) this.tf.dispose([block.x, block.q, block.g])
    this.tf.dispose([this.a, this.w, this.b, this.scaleRow, this.amplitudeRow])
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error(`tfjs (${this.backend}): the engine was disposed`)
  }

  /** f over all samples ('output', length N) or the loss ('loss', length 1), downloaded. */
  private async forward(what: 'output' | 'loss'): Promise<Float32Array> {
    const tf = this.tf
    const result = tf.tidy(() => {
      const vRow = this.amplitudeRow.mul(this.a.transpose()) as Tensor2D
      const outputs: Tensor2D[] = []
      let loss = tf.scalar(0)
      for (const block of this.blocks) {
        const f = this.sigma(this.preActivation(block.x)).matMul(vRow, false, true) as Tensor2D
        if (what === 'output') outputs.push(f)
        else loss = loss.add(block.q.mul(f.sub(block.g).square()).sum().mul(0.5))
      }
      return what === 'output' ? tf.concat(outputs, 0) : loss
    })
    const values = (await result.data()) as Float32Array
    result.dispose()
    return values
  }

  /** Z = alpha (X W^T) + b for one row block: rows x m. */
  private preActivation(x: Tensor2D): Tensor2D {
    const z = x.matMul(this.w as Tensor2D, false, true).mul(this.scaleRow) as Tensor2D
    return this.hasBias ? (z.add(this.b) as Tensor2D) : z
  }

  private sigma(z: Tensor2D): Tensor2D {
    const activation: Activation = this.network.activation
    if (activation === 'sin') return this.tf.sin(z)
    if (activation === 'tanh') return this.tf.tanh(z)
    return this.tf.relu(z)
  }

  /** sigma'(Z): cos, 1 - tanh^2, or the step 1[z > 0] (the same subgradient 0 at the kink as activations.ts). */
  private sigmaPrime(z: Tensor2D): Tensor2D {
    const tf = this.tf
    const activation: Activation = this.network.activation
    if (activation === 'sin') return tf.cos(z)
    if (activation === 'tanh') return tf.scalar(1).sub(tf.tanh(z).square()) as Tensor2D
    return tf.step(z, 0)
  }
}
