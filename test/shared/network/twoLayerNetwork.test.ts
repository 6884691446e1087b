import { describe, expect, it } from 'vitest'
import { ACTIVATIONS } from '../../../src/shared/network/activations'
import { initialParameters, type NetworkParameters } from '../../../src/shared/network/initialParameters'
import type { TrainingProblem } from '../../../src/shared/network/trainingEngine'
import { lossGradient, networkOutput, trainedMask } from '../../../src/shared/network/twoLayerNetwork'
import type { NetworkSpec } from '../../../src/shared/project/experimentTypes'
import { gridProblem1d, gridProblem2d, networkSpec, TRAINED_SUBSETS } from './networkFixtures'

/** Loss = 1/2 sum q (f - g)^2 written out here, independently of lossGradient. */
function lossOf(params: NetworkParameters, network: NetworkSpec, problem: TrainingProblem): number {
  const f = networkOutput(params, ACTIVATIONS[network.activation], problem.points, new Float64Array(problem.weights.length))
  let loss = 0
  for (let i = 0; i < f.length; i++) loss += 0.5 * problem.weights[i] * (f[i] - problem.target[i]) ** 2
  return loss
}

/** Smallest |z_ik| over samples and neurons, to keep ReLU's finite differences off its kink. */
function smallestPreActivation(params: NetworkParameters, problem: TrainingProblem): number {
  const d = params.dim
  let smallest = Infinity
  for (let k = 0; k < params.width; k++) {
    for (let i = 0; i < problem.weights.length; i++) {
      let dot = 0
      for (let l = 0; l < d; l++) dot += params.w[k * d + l] * problem.points[i * d + l]
      smallest = Math.min(smallest, Math.abs(params.scale[k] * dot + params.b[k]))
    }
  }
  return smallest
}

describe('networkOutput', () => {
  it('is exactly zero at the zero-output initialisation', () => {
    for (const activation of ['sin', 'tanh', 'relu'] as const) {
      for (const bias of [false, true]) {
        for (const [dim, problem] of [[1, gridProblem1d(41, 3)], [2, gridProblem2d(7, 2)]] as const) {
          // Three scales on m = 10: S does not divide m/2, the case spec section 1 warns about.
          const network = networkSpec({ activation, bias, width: 10, scales: [1, 2, 4] })
          const params = initialParameters(network, dim)
          const f = networkOutput(params, ACTIVATIONS[activation], problem.points, new Float64Array(problem.weights.length))
          expect(f.every((value) => value === 0), `${activation} bias=${bias} d=${dim}`).toBe(true)
        }
      }
    }
  })

  it('matches the formula of spec section 1 term by term', () => {
    const network = networkSpec({ init: 'random', width: 7, bias: true, scales: [1, 3] })
    const problem = gridProblem2d(5, 1.5)
    const params = initialParameters(network, 2)
    const f = networkOutput(params, ACTIVATIONS.sin, problem.points, new Float64Array(25))
    for (let i = 0; i < 25; i++) {
      const [x, y] = [problem.points[2 * i], problem.points[2 * i + 1]]
      let expected = 0
      for (let k = 0; k < 7; k++) {
        const alpha = network.scales[k % 2]
        expected += (alpha ** 2 * params.a[k] * Math.sin(alpha * (params.w[2 * k] * x + params.w[2 * k + 1] * y) + params.b[k])) / Math.sqrt(7)
      }
      // Same terms summed in another order: a few ulps of the largest term.
      expect(Math.abs(f[i] - expected)).toBeLessThan(1e-14 * 10)
    }
  })
})

describe('lossGradient', () => {
  it('agrees with central finite differences for every trained subset, bias on and off, 1-D and 2-D', () => {
    // Central differences with step h = 1e-6 on parameters of size O(1): truncation h^2 |L'''| / 6 is
    // about 1e-11 (|L'''| grows like (alpha x)^3 <= 64 here) and rounding eps |L| / h about 1e-10 |L|.
    // Both are far below 1e-6 of the largest gradient component, the tolerance used.
    const h = 1e-6
    // Even point counts keep x = 0 (where z = 0 without bias, ReLU's kink) off the grids.
    const cases: [1 | 2, TrainingProblem][] = [
      [1, gridProblem1d(20, 2)],
      [2, gridProblem2d(6, 1.5)],
    ]
    let checked = 0
    for (const activation of ['sin', 'tanh', 'relu'] as const) {
      for (const bias of [false, true]) {
        for (const trained of TRAINED_SUBSETS) {
          for (const [dim, problem] of cases) {
            const network = networkSpec({ activation, bias, trained, init: 'random', width: 6, seed: 17 })
            const params = initialParameters(network, dim)
            if (activation === 'relu') expect(smallestPreActivation(params, problem)).toBeGreaterThan(100 * h)
            const grad = { a: new Float64Array(6), w: new Float64Array(6 * dim), b: new Float64Array(6) }
            const mask = trainedMask(network)
            const loss = lossGradient(params, ACTIVATIONS[activation], mask, problem.points, problem.weights, problem.target, grad)
            expect(loss).toBeCloseTo(lossOf(params, network, problem), 14)
            const label = `${activation} bias=${bias} trained=${trained.join('')} d=${dim}`
            const scale = Math.max(...grad.a.map(Math.abs), ...grad.w.map(Math.abs), ...grad.b.map(Math.abs))
            // trained = [b] without a bias trains nothing: the gradient must vanish.
            if (!mask.a && !mask.w && !mask.b) expect(scale, label).toBe(0)
            else expect(scale, label).toBeGreaterThan(0)
            for (const name of ['a', 'w', 'b'] as const) {
              for (let j = 0; j < params[name].length; j++) {
                if (!mask[name]) {
                  expect(grad[name][j], `${label} ${name}[${j}] untrained`).toBe(0)
                  continue
                }
                const saved = params[name][j]
                params[name][j] = saved + h
                const up = lossOf(params, network, problem)
                params[name][j] = saved - h
                const down = lossOf(params, network, problem)
                params[name][j] = saved
                const difference = (up - down) / (2 * h)
                expect(Math.abs(grad[name][j] - difference), `${label} ${name}[${j}]`).toBeLessThan(1e-6 * scale)
                checked++
              }
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(500)
  })

  it('never trains b without a bias, even when b is listed (spec section 1)', () => {
    expect(trainedMask({ trained: ['a', 'w', 'b'], bias: false })).toEqual({ a: true, w: true, b: false })
    expect(trainedMask({ trained: ['b'], bias: true })).toEqual({ a: false, w: false, b: true })
  })
})
