import type { NetworkSpec } from '../project/experimentTypes'
import { chunkRange, F64Kernel, fillKernelArrays, kernelArrays, kernelBufferBytes, kernelShape, type F64KernelArrays, type F64KernelShape } from './f64Kernel'
import type { NetworkParameters } from './initialParameters'
import type { ParameterValues, TrainingEngine, TrainingProblem } from './trainingEngine'

/**
 * The "js-f64" engine: plain gradient descent on the two-layer network in float64 (spec sections
 * 1-2), without ever holding an N x m matrix. The arithmetic is f64Kernel.ts: one step is phase A
 * (per fixed chunk of samples: f, rho, loss share and partial gradient sums of every neuron) and
 * phase B (per neuron: the sums over chunks in chunk order, then the update). Phase A uses the
 * sine/cosine rotation recurrence on a 1-D uniform grid and the fast float64 sine/cosine of
 * fastSinCos.ts (max error 1.5e-15) elsewhere; all sums are float64.
 *
 * createF64Trainer runs both phases in the calling thread. The worker-thread version
 * (src/main/compute/engines/threadedF64Engine.ts) runs the same kernel on a SharedArrayBuffer
 * through an F64Executor that splits chunks and neurons over threads; because the chunks do not
 * depend on the thread count, its results are bit-identical to this one's.
 *
 * Measured on the 2-core development machine (rough: the machine was shared and loaded; see
 * `npm run bench` and README, Performance): N = 1000, m = 10^4, scales 1,2,4,8, a and w trained,
 * 1 thread: grid 36-53 ms per step (the previous version: 42-44), random samples 108-125 ms
 * (previously ~360 with Math.sin/cos).
 */

/** The js-f64 engine: a TrainingEngine whose methods are all synchronous. */
export interface F64TrainingEngine extends TrainingEngine {
  readonly backend: 'js-f64'
  readonly precision: 'float64'
  /** threads that compute one step (1: the calling thread only) */
  readonly threads: number
  step(learningRate: number, count: number): void
  output(out?: Float64Array): Float64Array
  loss(): number
  parameters(): ParameterValues
}

/** Runs the kernel's phases: in the calling thread, or split over worker threads. */
export interface F64Executor {
  readonly threads: number
  /** `count` GD steps: phase A with gradients on every chunk, then phase B on every neuron */
  steps(learningRate: number, count: number): void
  /** phase A without gradients: f, rho and the chunk losses at the current parameters */
  forward(): void
  dispose(): void
}

/** A kernel state: its shape and its arrays, in `buffer`. */
export interface F64State {
  shape: F64KernelShape
  buffer: ArrayBufferLike
  arrays: F64KernelArrays
}

/**
 * Checks the problem against the parameters and copies both into a new kernel state.
 * @param makeBuffer allocates the state's buffer (a SharedArrayBuffer for threads)
 */
export function prepareF64State(
  problem: TrainingProblem,
  network: NetworkSpec,
  params: NetworkParameters,
  makeBuffer: (bytes: number) => ArrayBufferLike = (bytes) => new ArrayBuffer(bytes),
): F64State {
  const d = problem.dim
  const n = problem.weights.length
  if (params.dim !== d) throw new Error(`js-f64: parameters are for dimension ${params.dim}, the problem has dimension ${d}`)
  if (problem.points.length !== n * d || problem.target.length !== n) {
    throw new Error(`js-f64: problem arrays disagree: ${problem.points.length / d} points, ${n} weights, ${problem.target.length} targets`)
  }
  const shape = kernelShape(problem, network, params.width)
  const buffer = makeBuffer(kernelBufferBytes(shape))
  const arrays = kernelArrays(shape, buffer)
  fillKernelArrays(arrays, problem, params)
  new F64Kernel(shape, arrays).refreshRotation(0, shape.m)
  return { shape, buffer, arrays }
}

/**
 * Creates the js-f64 engine on a copy of `params` (the caller's arrays are not modified); it
 * computes in the calling thread.
 * @param problem samples, quadrature weights and target (trainingEngine.ts)
 * @param network activation, bias and trained parameters (spec section 1)
 */
export function createF64Trainer(problem: TrainingProblem, network: NetworkSpec, params: NetworkParameters): F64TrainingEngine {
  const state = prepareF64State(problem, network, params)
  return createF64TrainerOn(state, inThreadExecutor(state))
}

/** The js-f64 engine over a prepared state and an executor (the worker-thread version's entry). */
export function createF64TrainerOn(state: F64State, executor: F64Executor): F64TrainingEngine {
  return new F64Trainer(state, executor)
}

/** Both phases in the calling thread, chunk after chunk. */
export function inThreadExecutor(state: F64State): F64Executor {
  const kernel = new F64Kernel(state.shape, state.arrays)
  const [c0, c1] = chunkRange(state.shape, 0, 1)
  return {
    threads: 1,
    steps(learningRate, count) {
      for (let s = 0; s < count; s++) {
        kernel.forwardChunks(c0, c1, true)
        kernel.updateNeurons(0, state.shape.m, learningRate)
      }
    },
    forward() {
      kernel.forwardChunks(c0, c1, false)
    },
    dispose() {},
  }
}

class F64Trainer implements F64TrainingEngine {
  readonly backend = 'js-f64' as const
  readonly precision = 'float64' as const
  private forwardValid = false
  private disposed = false

  constructor(
    private readonly state: F64State,
    private readonly executor: F64Executor,
  ) {}

  get threads(): number {
    return this.executor.threads
  }

  step(learningRate: number, count: number): void {
    this.checkAlive()
    if (count <= 0) return
    this.forwardValid = false
    this.executor.steps(learningRate, count)
  }

  output(out?: Float64Array): Float64Array {
    this.ensureForward()
    const result = out ?? new Float64Array(this.state.shape.n)
    result.set(this.state.arrays.f)
    return result
  }

  loss(): number {
    this.ensureForward()
    let sum = 0
    const chunkLoss = this.state.arrays.chunkLoss
    for (let c = 0; c < chunkLoss.length; c++) sum += chunkLoss[c]
    return 0.5 * sum
  }

  parameters(): ParameterValues {
    this.checkAlive()
    const { a, w, b } = this.state.arrays
    return { a: Float64Array.from(a), w: Float64Array.from(w), b: Float64Array.from(b) }
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.executor.dispose()
  }

  private ensureForward(): void {
    this.checkAlive()
    if (this.forwardValid) return
    this.executor.forward()
    this.forwardValid = true
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('js-f64: the engine was disposed')
  }
}
