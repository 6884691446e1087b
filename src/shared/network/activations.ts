import type { Activation } from '../project/experimentTypes'

/**
 * An activation sigma with its derivative, as in TensorFlow Playground's nn.ts ({output, der}).
 * Both act on the pre-activation z = alpha_j w . x + b (dimensionless) of spec section 1.
 */
export interface ActivationFunction {
  /** sigma(z) */
  f(z: number): number
  /** sigma'(z) */
  df(z: number): number
  /**
   * sigma'(z) written through y = sigma(z), where that is possible (tanh: 1 - y^2; relu: 1[y > 0]),
   * so an engine that already has sigma(z) saves a second evaluation. Absent for sine.
   */
  dfFromValue?(y: number): number
}

/** sigma = sin, sigma' = cos: the activation the spectral model describes (spec section 1). */
export const SINE: ActivationFunction = {
  f: (z) => Math.sin(z),
  df: (z) => Math.cos(z),
}

/** sigma = tanh, sigma' = 1 - tanh^2. */
export const TANH: ActivationFunction = {
  f: (z) => Math.tanh(z),
  df: (z) => {
    const t = Math.tanh(z)
    return 1 - t * t
  },
  dfFromValue: (y) => 1 - y * y,
}

/**
 * sigma = max(z, 0), sigma' = 1 for z > 0 and 0 for z <= 0 (the subgradient 0 at the kink, as
 * TensorFlow's ReluGrad and tf.step use).
 */
export const RELU: ActivationFunction = {
  f: (z) => (z > 0 ? z : 0),
  df: (z) => (z > 0 ? 1 : 0),
  dfFromValue: (y) => (y > 0 ? 1 : 0),
}

/** Every activation by its name in the project file (experimentTypes.Activation). */
export const ACTIVATIONS: Readonly<Record<Activation, ActivationFunction>> = {
  sin: SINE,
  tanh: TANH,
  relu: RELU,
}
