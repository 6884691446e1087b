import type { DomainSpec } from '../project/experimentTypes'
import { createSeededRandom, RANDOM_STREAM } from '../network/seededRandom'

/**
 * Training samples x_i in Omega = [-L, L]^d and their quadrature weights q_i (spec section 2).
 * points: N x d row-major; weights sum to |Omega| = (2L)^d.
 * uniformGrid is set for a 1-D grid (x_i = start + i * step), which lets engines use recurrences.
 */
export interface SampleSet {
  dim: 1 | 2
  points: Float64Array
  weights: Float64Array
  uniformGrid?: { start: number; step: number }
}

/** Trapezoid weights of an n-point uniform grid on [-L, L]: h/2 at the ends, h inside. */
function trapezoidWeights(n: number, step: number): Float64Array {
  const weights = new Float64Array(n).fill(step)
  weights[0] = weights[n - 1] = step / 2
  return weights
}

/**
 * Grid sampling: `samples` points per axis with the (tensor-product) trapezoid rule.
 * Random sampling: `samples` points (in total) drawn uniformly with the domain's seed, weights |Omega|/N.
 */
export function samplePoints(domain: DomainSpec): SampleSet {
  const { dim, halfWidth: L, samples: n } = domain
  if (domain.sampling === 'random') {
    const random = createSeededRandom(domain.seed, RANDOM_STREAM.samples)
    const points = new Float64Array(n * dim)
    for (let i = 0; i < points.length; i++) points[i] = -L + 2 * L * random.uniform()
    return { dim, points, weights: new Float64Array(n).fill((2 * L) ** dim / n) }
  }
  const step = (2 * L) / (n - 1)
  const axis = Float64Array.from({ length: n }, (_, i) => -L + i * step)
  const axisWeights = trapezoidWeights(n, step)
  if (dim === 1) return { dim, points: axis, weights: axisWeights, uniformGrid: { start: -L, step } }
  const points = new Float64Array(n * n * 2)
  const weights = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = i * n + j
      points[2 * p] = axis[i]
      points[2 * p + 1] = axis[j]
      weights[p] = axisWeights[i] * axisWeights[j]
    }
  }
  return { dim, points, weights }
}
