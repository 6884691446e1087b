import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createThreadedF64Trainer } from '../../../../src/main/compute/engines/threadedF64Engine'
import { createTfjsTrainer } from '../../../../src/main/compute/engines/tfjsEngine'
import { loadTfjsBackend } from '../../../../src/main/compute/engines/tfjsBackends'
import { ACTIVATIONS } from '../../../../src/shared/network/activations'
import { createF64Trainer } from '../../../../src/shared/network/gradientDescentF64'
import { initialParameters, type NetworkParameters } from '../../../../src/shared/network/initialParameters'
import type { TrainingProblem } from '../../../../src/shared/network/trainingEngine'
import { lossGradient, trainedMask } from '../../../../src/shared/network/twoLayerNetwork'
import type { NetworkSpec } from '../../../../src/shared/project/experimentTypes'
import { gridProblem1d, gridProblem2d, networkSpec, randomProblem1d, relativeMaxError } from '../../../shared/network/networkFixtures'

// The worker entry is bundled here (as scripts/buildNode.mjs does for out/node), so that this test
// does not depend on a prior build.
let dir: string
let workerScript: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mscale-f64-worker-'))
  workerScript = join(dir, 'f64ThreadWorker.mjs')
  await build({
    entryPoints: [join(__dirname, '../../../../src/main/compute/engines/f64ThreadWorker.ts')],
    outfile: workerScript, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
  })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Problems with enough samples for several chunks (the grid path's chunks are 64 samples). */
const CASES: { label: string; problem: TrainingProblem; activation: NetworkSpec['activation'] }[] = [
  { label: 'sine, 1-D grid recurrence', problem: gridProblem1d(300, 3), activation: 'sin' },
  { label: 'sine, 1-D random samples', problem: randomProblem1d(150, 3, 4), activation: 'sin' },
  { label: 'sine, 2-D grid', problem: gridProblem2d(11, 2), activation: 'sin' },
  { label: 'tanh, 1-D random samples', problem: randomProblem1d(120, 3, 5), activation: 'tanh' },
  { label: 'relu, 1-D grid', problem: gridProblem1d(100, 3), activation: 'relu' },
]

/** A float64 reference independent of the engine: twoLayerNetwork.ts's gradient, theta - eta grad. */
function referenceSteps(params: NetworkParameters, network: NetworkSpec, problem: TrainingProblem, eta: number, steps: number): NetworkParameters {
  let current = { ...params, a: params.a.slice(), w: params.w.slice(), b: params.b.slice() }
  const grad = { a: new Float64Array(params.width), w: new Float64Array(params.w.length), b: new Float64Array(params.width) }
  for (let s = 0; s < steps; s++) {
    lossGradient(current, ACTIVATIONS[network.activation], trainedMask(network), problem.points, problem.weights, problem.target, grad)
    current = {
      ...current,
      a: current.a.map((v, k) => v - eta * grad.a[k]),
      w: current.w.map((v, k) => v - eta * grad.w[k]),
      b: current.b.map((v, k) => v - eta * grad.b[k]),
    }
  }
  return current
}

describe('createThreadedF64Trainer (js-f64 on worker threads)', () => {
  it('gives bit-identical trajectories for 1, 2 and 3 threads on every path, with and without bias', async () => {
    // The sample chunks and the order of every sum are fixed by the problem, not by the thread
    // count (f64Kernel.ts), so the results must be identical, not merely close.
    for (const { label, problem, activation } of CASES) {
      for (const bias of [false, true]) {
        // Odd width (random initialisation) exercises the unpaired last neuron.
        const network = networkSpec({ activation, bias, trained: bias ? ['a', 'w', 'b'] : ['a', 'w'], width: 21, scales: [1, 2, 4], init: 'random' })
        const params = initialParameters(network, problem.dim)
        const single = createF64Trainer(problem, network, params)
        const engines = await Promise.all([2, 3].map((threads) => createThreadedF64Trainer(problem, network, params, { threads, workerScript })))
        expect(engines.map((e) => e.threads), label).toEqual([2, 3])
        try {
          for (let chunk = 0; chunk < 3; chunk++) {
            single.step(2e-3, 100)
            for (const engine of engines) engine.step(2e-3, 100)
            for (const engine of engines) {
              expect(engine.output(), `${label} bias=${bias} threads=${engine.threads}`).toEqual(single.output())
              expect(engine.loss()).toBe(single.loss())
              expect(engine.parameters()).toEqual(single.parameters())
            }
          }
        } finally {
          for (const engine of engines) engine.dispose()
        }
      }
    }
  })

  it('follows an independent float64 reference over 2000 steps (1 and 2 threads)', async () => {
    // Reference: twoLayerNetwork.ts's gradient with Math.sin, summed in its own order. Per step the
    // two differ by rounding (~1e-15 relative: summation order, the fast sine's few ulps, the grid
    // recurrence's ~64 ulps); through 2000 GD steps at a rate well inside stability these stay
    // below 1e-10 relative (float64 should give ~1e-12; a wrong term would give O(1)).
    const eta = 2e-3
    for (const { label, problem, activation } of CASES.slice(0, 4)) {
      const network = networkSpec({ activation, bias: true, trained: ['a', 'w', 'b'], width: 12, scales: [1, 2, 4], init: 'random', seed: 7 })
      const params = initialParameters(network, problem.dim)
      const expected = referenceSteps(params, network, problem, eta, 2000)
      for (const threads of [1, 2]) {
        const engine = await createThreadedF64Trainer(problem, network, params, { threads, workerScript })
        engine.step(eta, 2000)
        const actual = engine.parameters()
        for (const name of ['a', 'w', 'b'] as const) {
          expect(relativeMaxError(actual[name], expected[name]), `${label} ${name} threads=${threads}`).toBeLessThan(1e-10)
        }
        // Training moved the parameters far more than the tolerance.
        expect(relativeMaxError(actual.w, params.w)).toBeGreaterThan(1e-3)
        engine.dispose()
      }
    }
  })

  it('agrees with the tfjs engine (cpu backend, float32) over 2000 steps to float32 accuracy', async () => {
    // Tolerance 1e-4 relative to max |f|, as in tfjsEngine.test.ts: float32 rounds every term and
    // sum to ~1e-7 relative and GD carries these along; a wrong gradient term gives O(1).
    const loaded = await loadTfjsBackend('cpu')
    for (const problem of [gridProblem1d(200, 3), randomProblem1d(130, 3, 2)]) {
      const network = networkSpec({ width: 24, scales: [1, 2, 4], bias: true, trained: ['a', 'w', 'b'] })
      const params = initialParameters(network, 1)
      const threaded = await createThreadedF64Trainer(problem, network, params, { threads: 2, workerScript })
      const tfjs = await createTfjsTrainer(loaded.tf, loaded.backend, problem, network, params)
      const initialLoss = threaded.loss()
      let worst = 0
      for (let chunk = 0; chunk < 20; chunk++) {
        threaded.step(5e-3, 100)
        await tfjs.step(5e-3, 100)
        worst = Math.max(worst, relativeMaxError(await tfjs.output(), threaded.output()))
        expect(worst, `after ${100 * (chunk + 1)} steps`).toBeLessThan(1e-4)
      }
      console.log(`[js-f64 vs tfjs cpu] ${problem.uniformGrid ? 'grid' : 'random'}: worst relative difference over 2000 steps ${worst.toExponential(2)}`)
      expect(threaded.loss()).toBeLessThan(0.5 * initialLoss)
      threaded.dispose()
      tfjs.dispose()
    }
  })

  it('ends its worker threads on dispose, and refuses use afterwards', async () => {
    const problem = gridProblem1d(400, 3)
    const network = networkSpec({ width: 10 })
    const exits: number[] = []
    const engine = await createThreadedF64Trainer(problem, network, initialParameters(network, 1), { threads: 3, workerScript, onWorkerExit: (code) => exits.push(code) })
    expect(engine.threads).toBe(3)
    engine.step(1e-3, 5)
    engine.dispose()
    const deadline = Date.now() + 5000
    while (exits.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(exits).toHaveLength(2)
    expect(() => engine.step(1e-3, 1)).toThrow(/disposed/)
  })

  it('uses no more threads than the problem has chunks, and reports a worker script that cannot start', async () => {
    const small = gridProblem1d(50, 3) // one 64-sample chunk
    const network = networkSpec({ width: 6 })
    const engine = await createThreadedF64Trainer(small, network, initialParameters(network, 1), { threads: 4, workerScript })
    expect(engine.threads).toBe(1)
    engine.dispose()
    const problem = gridProblem1d(300, 3)
    await expect(createThreadedF64Trainer(problem, network, initialParameters(network, 1), { threads: 2, workerScript: join(dir, 'missing.mjs') }))
      .rejects.toThrow(/cannot start 1 worker thread/)
  })
})
