import type { TrainingBackend } from '../project/experimentTypes'

/**
 * One gradient-descent training problem on fixed samples (spec section 2):
 * Loss(theta) = 1/2 sum_i q_i (f(x_i; theta) - g(x_i))^2.
 */
export interface TrainingProblem {
  dim: 1 | 2
  /** samples x_i, N x d row-major (x_i = points[i d .. i d + d - 1]) */
  points: Float64Array
  /** quadrature weights q_i, length N (trapezoid weights on a grid, |Omega| / N for random samples) */
  weights: Float64Array
  /** target values g(x_i), length N */
  target: Float64Array
  /**
   * Set when the 1-D samples are the uniform grid x_i = start + i step (i = 0..N-1): engines may
   * then follow sin and cos along the grid by a rotation recurrence instead of calling Math.sin.
   */
  uniformGrid?: { start: number; step: number }
}

/** Trainable parameters a (length m), w (m x d row-major) and b (length m). */
export interface ParameterValues {
  a: Float64Array
  w: Float64Array
  b: Float64Array
}

/**
 * A gradient-descent engine for the two-layer network of spec section 1 on one TrainingProblem.
 * Methods may be synchronous (js-f64) or asynchronous (tfjs); callers await every result.
 */
export interface TrainingEngine {
  readonly backend: TrainingBackend
  /** arithmetic of the engine's state and kernels */
  readonly precision: 'float32' | 'float64'
  /** `count` plain GD steps theta <- theta - eta grad Loss with eta = learningRate (model time advances by count eta) */
  step(learningRate: number, count: number): Promise<void> | void
  /** f(x_i; theta) at the current parameters, length N; written into `out` when given, else a new array */
  output(out?: Float64Array): Promise<Float64Array> | Float64Array
  /** Loss(theta) at the current parameters */
  loss(): Promise<number> | number
  /** copies of the current parameters (b is all zero when the network has no bias) */
  parameters(): Promise<ParameterValues> | ParameterValues
  /** releases buffers and tensors; the engine may not be used afterwards */
  dispose(): void
}

/** One try at a training backend, recorded for the UI and run.json. */
export interface BackendAttempt {
  backend: TrainingBackend
  ok: boolean
  /** why the backend was not used (load error, not requested, ...) */
  reason?: string
}
