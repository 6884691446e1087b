import type { NetworkSpec } from '../../../src/shared/project/experimentTypes'
import type { TrainingProblem } from '../../../src/shared/network/trainingEngine'
import { createSeededRandom } from '../../../src/shared/network/seededRandom'

/** Small training problems for the network and engine tests (spec section 2). */

/** A network spec with test defaults; override what a test varies. */
export function networkSpec(overrides: Partial<NetworkSpec> = {}): NetworkSpec {
  return {
    scales: [1, 2],
    width: 16,
    activation: 'sin',
    bias: false,
    amplitude: 'scale',
    trained: ['a', 'w'],
    init: 'zero-output',
    sigmaA: 1,
    sigmaW: 1,
    sigmaB: 1,
    seed: 5,
    ...overrides,
  }
}

/** Target of spec section 6, scaled to [-L, L]: (1 - (x/L)^2)^4 (sin x + 0.8 sin 4x). */
function target1d(x: number, L: number): number {
  return (1 - (x / L) ** 2) ** 4 * (Math.sin(x) + 0.8 * Math.sin(4 * x))
}

/** 1-D uniform grid on [-L, L] with N points and trapezoid weights; uniformGrid is set. */
export function gridProblem1d(N: number, L: number): TrainingProblem {
  const h = (2 * L) / (N - 1)
  const points = Float64Array.from({ length: N }, (_, i) => -L + i * h)
  const weights = Float64Array.from({ length: N }, (_, i) => (i === 0 || i === N - 1 ? h / 2 : h))
  const target = points.map((x) => target1d(x, L))
  return { dim: 1, points, weights, target, uniformGrid: { start: -L, step: h } }
}

/** 1-D uniform random samples on [-L, L] with weights |Omega| / N. */
export function randomProblem1d(N: number, L: number, seed: number): TrainingProblem {
  const random = createSeededRandom(seed, 99)
  const points = Float64Array.from({ length: N }, () => random.uniformIn(-L, L))
  const weights = new Float64Array(N).fill((2 * L) / N)
  return { dim: 1, points, weights, target: points.map((x) => target1d(x, L)) }
}

/** 2-D tensor grid on [-L, L]^2 with n points per axis (row-major x, y) and product trapezoid weights. */
export function gridProblem2d(n: number, L: number): TrainingProblem {
  const h = (2 * L) / (n - 1)
  const N = n * n
  const points = new Float64Array(2 * N)
  const weights = new Float64Array(N)
  const target = new Float64Array(N)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const index = i * n + j
      const x = -L + i * h
      const y = -L + j * h
      points[2 * index] = x
      points[2 * index + 1] = y
      const wx = i === 0 || i === n - 1 ? h / 2 : h
      const wy = j === 0 || j === n - 1 ? h / 2 : h
      weights[index] = wx * wy
      target[index] = Math.sin(x + 0.5 * y) * Math.cos(y) + 0.3 * Math.sin(3 * x)
    }
  }
  return { dim: 2, points, weights, target }
}

/** max_i |x_i - y_i| / max_i |y_i|: relative error in the max norm. */
export function relativeMaxError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let difference = 0
  let scale = 0
  for (let i = 0; i < y.length; i++) {
    difference = Math.max(difference, Math.abs(x[i] - y[i]))
    scale = Math.max(scale, Math.abs(y[i]))
  }
  return difference / scale
}

/** Every non-empty subset of {a, w, b}. */
export const TRAINED_SUBSETS: NetworkSpec['trained'][] = [['a'], ['w'], ['b'], ['a', 'w'], ['a', 'b'], ['w', 'b'], ['a', 'w', 'b']]
