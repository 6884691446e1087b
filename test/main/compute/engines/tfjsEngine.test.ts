import { beforeAll, describe, expect, it } from 'vitest'
import { loadTfjsBackend, type TfjsModule } from '../../../../src/main/compute/engines/tfjsBackends'
import { createTfjsTrainer } from '../../../../src/main/compute/engines/tfjsEngine'
import { ACTIVATIONS } from '../../../../src/shared/network/activations'
import { createF64Trainer } from '../../../../src/shared/network/gradientDescentF64'
import { initialParameters } from '../../../../src/shared/network/initialParameters'
import { lossGradient, trainedMask } from '../../../../src/shared/network/twoLayerNetwork'
import { gridProblem1d, gridProblem2d, networkSpec, randomProblem1d, relativeMaxError, TRAINED_SUBSETS } from '../../../shared/network/networkFixtures'

let tf: TfjsModule

beforeAll(async () => {
  tf = (await loadTfjsBackend('cpu')).tf
})

describe('createTfjsTrainer (cpu backend, float32)', () => {
  it('follows the js-f64 trajectory over 1000 steps to float32 accuracy', async () => {
    // Tolerance 1e-4 relative to max |f|: float32 rounds each of the m = 32 terms of f and each
    // gradient sum to ~6e-8 relative (a few e-7 after summing), and GD carries these errors along
    // without amplifying them (a stable step contracts the fast modes and only adds the slow ones
    // up): observed differences are a few e-6, so 1e-4 leaves a margin without hiding a real
    // error (a wrong gradient term moves f by O(1) relative within these 1000 steps).
    const problem = gridProblem1d(101, 3)
    const network = networkSpec({ scales: [1, 2], width: 32, bias: true, trained: ['a', 'w', 'b'] })
    const params = initialParameters(network, 1)
    const reference = createF64Trainer(problem, network, params)
    const engine = await createTfjsTrainer(tf, 'cpu', problem, network, params)
    expect(engine.precision).toBe('float32')
    expect(engine.backend).toBe('cpu')
    const initialLoss = reference.loss()
    const eta = 4e-3
    for (const stepsSoFar of [250, 500, 1000]) {
      const count = stepsSoFar === 250 ? 250 : stepsSoFar / 2
      reference.step(eta, count)
      await engine.step(eta, count)
      const error = relativeMaxError(await engine.output(), reference.output())
      expect(error, `after ${stepsSoFar} steps`).toBeLessThan(1e-4)
      expect(Math.abs((await engine.loss()) - reference.loss()) / reference.loss()).toBeLessThan(1e-4)
    }
    expect(reference.loss()).toBeLessThan(0.1 * initialLoss)
    const [p, q] = [await engine.parameters(), reference.parameters()]
    expect(relativeMaxError(p.w, q.w)).toBeLessThan(1e-4)
    engine.dispose()
  })

  it('takes the reference GD step for every activation, trained subset and bias, 1-D and 2-D', async () => {
    // One step from random parameters with eta = 0.5, so that the update is not lost in float32
    // rounding of the parameters: the update agrees with the float64 reference to 1e-4 of its
    // largest component plus 4 float32 ulps of the largest parameter.
    const eta = 0.5
    for (const activation of ['sin', 'tanh', 'relu'] as const) {
      for (const bias of [false, true]) {
        for (const trained of TRAINED_SUBSETS) {
          for (const problem of [randomProblem1d(30, 2, 4), gridProblem2d(6, 1.5)]) {
            const network = networkSpec({ activation, bias, trained, init: 'random', width: 7, seed: 31 })
            const params = initialParameters(network, problem.dim)
            const grad = { a: new Float64Array(7), w: new Float64Array(7 * problem.dim), b: new Float64Array(7) }
            lossGradient(params, ACTIVATIONS[activation], trainedMask(network), problem.points, problem.weights, problem.target, grad)
            // The largest block rows x m = 7 x 7 splits the samples into several blocks.
            const engine = await createTfjsTrainer(tf, 'cpu', problem, network, params, { maxBlockElements: 49 })
            await engine.step(eta, 1)
            const actual = await engine.parameters()
            const label = `${activation} bias=${bias} ${trained.join('')} d=${problem.dim}`
            for (const name of ['a', 'w', 'b'] as const) {
              const update = Array.from(actual[name], (v, j) => v - params[name][j])
              const expected = Array.from(grad[name], (g) => -eta * g)
              const largestUpdate = Math.max(...expected.map(Math.abs))
              const largestParameter = Math.max(...params[name].map(Math.abs), 1e-30)
              const tolerance = 1e-4 * largestUpdate + 4 * 2 ** -23 * largestParameter
              update.forEach((u, j) => expect(Math.abs(u - expected[j]), `${label} ${name}[${j}]`).toBeLessThanOrEqual(tolerance))
            }
            engine.dispose()
          }
        }
      }
    }
  })

  it('starts from f = 0 up to float32 rounding with the zero-output initialisation', async () => {
    const problem = gridProblem1d(50, 3)
    const network = networkSpec({ width: 64, scales: [1, 2, 4, 8] })
    const engine = await createTfjsTrainer(tf, 'cpu', problem, network, initialParameters(network, 1))
    // Each f is a sum of 64 terms of size up to ~|a| c / sqrt(m) ~ 8^1 x 3 / 8: float32 leaves < 1e-5.
    const f = await engine.output()
    expect(Math.max(...f.map(Math.abs))).toBeLessThan(1e-5)
    engine.dispose()
  })

  it('keeps the number of tensors constant from step to step and frees them all on dispose', async () => {
    const problem = gridProblem2d(8, 2)
    const before = tf.memory().numTensors
    const network = networkSpec({ bias: true, trained: ['a', 'w', 'b'], activation: 'tanh' })
    const engine = await createTfjsTrainer(tf, 'cpu', problem, network, initialParameters(network, 2), { maxBlockElements: 100 })
    await engine.step(0.01, 1)
    const during = tf.memory().numTensors
    await engine.step(0.01, 25)
    await engine.output()
    await engine.loss()
    await engine.parameters()
    await engine.step(0.01, 25)
    expect(tf.memory().numTensors).toBe(during)
    engine.dispose()
    expect(tf.memory().numTensors).toBe(before)
    await expect(async () => engine.step(0.01, 1)).rejects.toThrow(/disposed/)
  })
})
