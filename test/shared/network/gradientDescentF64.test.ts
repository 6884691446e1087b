import { describe, expect, it } from 'vitest'
import { ACTIVATIONS } from '../../../src/shared/network/activations'
import { createF64Trainer } from '../../../src/shared/network/gradientDescentF64'
import { initialParameters, type NetworkParameters } from '../../../src/shared/network/initialParameters'
import type { TrainingProblem } from '../../../src/shared/network/trainingEngine'
import { lossGradient, networkOutput, trainedMask } from '../../../src/shared/network/twoLayerNetwork'
import type { NetworkSpec } from '../../../src/shared/project/experimentTypes'
import { gridProblem1d, gridProblem2d, networkSpec, randomProblem1d, relativeMaxError, TRAINED_SUBSETS } from './networkFixtures'

/** One GD step by the reference of twoLayerNetwork.ts: theta - eta grad Loss. */
function referenceStep(params: NetworkParameters, network: NetworkSpec, problem: TrainingProblem, eta: number): NetworkParameters {
  const grad = { a: new Float64Array(params.width), w: new Float64Array(params.w.length), b: new Float64Array(params.width) }
  lossGradient(params, ACTIVATIONS[network.activation], trainedMask(network), problem.points, problem.weights, problem.target, grad)
  return {
    ...params,
    a: params.a.map((v, k) => v - eta * grad.a[k]),
    w: params.w.map((v, k) => v - eta * grad.w[k]),
    b: params.b.map((v, k) => v - eta * grad.b[k]),
  }
}

/** The engine paths: the grid recurrence (sine on a 1-D uniform grid) and the general path. */
const PATHS: { label: string; problem: TrainingProblem; activation: NetworkSpec['activation'] }[] = [
  { label: 'sine, 1-D grid recurrence', problem: gridProblem1d(150, 3), activation: 'sin' },
  { label: 'sine, 1-D random samples', problem: randomProblem1d(90, 3, 1), activation: 'sin' },
  { label: 'sine, 2-D grid', problem: gridProblem2d(9, 2), activation: 'sin' },
  { label: 'tanh, 1-D grid', problem: gridProblem1d(40, 3), activation: 'tanh' },
  { label: 'relu, 2-D grid', problem: gridProblem2d(8, 2), activation: 'relu' },
]

describe('createF64Trainer (js-f64)', () => {
  it('outputs exactly zero at the zero-output initialisation on every path', () => {
    for (const { label, problem, activation } of PATHS) {
      for (const bias of [false, true]) {
        const network = networkSpec({ activation, bias, width: 12, scales: [1, 2, 4, 8, 16] })
        const engine = createF64Trainer(problem, network, initialParameters(network, problem.dim))
        expect(Array.from(engine.output()).every((value) => value === 0), `${label} bias=${bias}`).toBe(true)
        // Loss of the zero network: 1/2 sum q g^2.
        const expected = problem.target.reduce((acc, g, i) => acc + 0.5 * problem.weights[i] * g * g, 0)
        expect(engine.loss()).toBeCloseTo(expected, 13)
      }
    }
  })

  it('takes the reference GD step of twoLayerNetwork.ts on every path and trained subset', () => {
    // One step theta - eta grad Loss. The engine sums in another order and, on the grid path, gets
    // sin/cos from the rotation recurrence (restarted every 64 samples: ~1e-14 relative), so the
    // updates agree to 1e-12 relative to the largest update component.
    const eta = 0.05
    for (const { label, problem, activation } of PATHS) {
      for (const bias of [false, true]) {
        for (const trained of TRAINED_SUBSETS) {
          // Random initialisation with an odd width exercises the unpaired last neuron.
          const network = networkSpec({ activation, bias, trained, init: 'random', width: 9, scales: [1, 2, 4], seed: 23 })
          const params = initialParameters(network, problem.dim)
          const engine = createF64Trainer(problem, network, params)
          engine.step(eta, 1)
          const expected = referenceStep(params, network, problem, eta)
          const actual = engine.parameters()
          // Compare the updates theta_1 - theta_0 of all parameters together, relative to the largest.
          const update = (values: { a: Float64Array; w: Float64Array; b: Float64Array }) =>
            (['a', 'w', 'b'] as const).flatMap((name) => Array.from(values[name], (v, j) => v - params[name][j]))
          const [actualUpdate, expectedUpdate] = [update(actual), update(expected)]
          const label2 = `${label} ${trained.join('')} bias=${bias}`
          if (expectedUpdate.every((v) => v === 0)) expect(actualUpdate.every((v) => v === 0), label2).toBe(true)
          else expect(relativeMaxError(actualUpdate, expectedUpdate), label2).toBeLessThan(1e-12)
          // The caller's parameters are not modified.
          expect(params).toEqual(initialParameters(network, problem.dim))
        }
      }
    }
  })

  it('reports the output and loss of its current parameters after steps', () => {
    for (const { label, problem, activation } of PATHS) {
      const network = networkSpec({ activation, bias: true, trained: ['a', 'w', 'b'], width: 10 })
      const engine = createF64Trainer(problem, network, initialParameters(network, problem.dim))
      engine.step(0.02, 5)
      const current = { ...initialParameters(network, problem.dim), ...engine.parameters() }
      const f = networkOutput(current, ACTIVATIONS[activation], problem.points, new Float64Array(problem.weights.length))
      // Same sums in another order (and the recurrence on the grid path): 1e-12 of max |f|.
      expect(relativeMaxError(engine.output(), f), label).toBeLessThan(1e-12)
      const loss = f.reduce((acc, value, i) => acc + 0.5 * problem.weights[i] * (value - problem.target[i]) ** 2, 0)
      expect(Math.abs(engine.loss() - loss) / loss).toBeLessThan(1e-12)
      const out = new Float64Array(problem.weights.length)
      expect(engine.output(out)).toBe(out)
    }
  })

  it('follows the same trajectory on the grid recurrence and on the Math.sin path over 2000 steps', () => {
    const problem = gridProblem1d(101, 3)
    const general: TrainingProblem = { ...problem, uniformGrid: undefined }
    const network = networkSpec({ scales: [1, 2, 4], width: 40, bias: true, trained: ['a', 'w', 'b'] })
    const params = initialParameters(network, 1)
    const recurrence = createF64Trainer(problem, network, params)
    const plain = createF64Trainer(general, network, params)
    const initialLoss = plain.loss()
    const eta = 2e-3
    for (let chunk = 0; chunk < 4; chunk++) {
      recurrence.step(eta, 500)
      plain.step(eta, 500)
    }
    // Training went somewhere: the loss fell well below its initial value.
    expect(plain.loss()).toBeLessThan(0.2 * initialLoss)
    // Per-step differences of ~1e-14 (recurrence rounding, summation order) stay small through
    // 2000 contracting GD steps: 1e-10 relative, as float64 should give.
    expect(relativeMaxError(recurrence.output(), plain.output())).toBeLessThan(1e-10)
    const [p, q] = [recurrence.parameters(), plain.parameters()]
    expect(relativeMaxError(p.a, q.a)).toBeLessThan(1e-10)
    expect(relativeMaxError(p.w, q.w)).toBeLessThan(1e-10)
    expect(relativeMaxError(p.b, q.b)).toBeLessThan(1e-10)
  })

  it('refuses mismatched problems and use after dispose', () => {
    const problem = gridProblem1d(10, 1)
    const network = networkSpec()
    expect(() => createF64Trainer(problem, network, initialParameters(network, 2))).toThrow(/dimension/)
    const engine = createF64Trainer(problem, network, initialParameters(network, 1))
    engine.dispose()
    expect(() => engine.step(0.1, 1)).toThrow(/disposed/)
  })
})
