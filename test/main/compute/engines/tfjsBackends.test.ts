import { describe, expect, it } from 'vitest'
import { BackendUnavailableError, loadTfjsBackend, TFJS_BACKEND_ORDER } from '../../../../src/main/compute/engines/tfjsBackends'
import { createTfjsTrainer } from '../../../../src/main/compute/engines/tfjsEngine'
import { createF64Trainer } from '../../../../src/shared/network/gradientDescentF64'
import { initialParameters } from '../../../../src/shared/network/initialParameters'
import { gridProblem1d, networkSpec, relativeMaxError } from '../../../shared/network/networkFixtures'

describe('loadTfjsBackend', () => {
  it('loads the cpu backend and computes on it', async () => {
    const { tf, backend, attempts } = await loadTfjsBackend('cpu')
    expect(backend).toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    expect(attempts).toEqual([{ backend: 'cpu', ok: true }])
    expect(tf.tidy(() => tf.cos(tf.scalar(1)).dataSync()[0])).toBeCloseTo(Math.cos(1), 6)
  })

  it('loads the wasm backend in Node, and it trains like js-f64', async (context) => {
    let loaded
    try {
      loaded = await loadTfjsBackend('wasm')
    } catch (error) {
      // Only where the .wasm binaries truly cannot be instantiated: say why instead of passing.
      console.warn(`wasm backend unavailable, test skipped: ${(error as Error).message}`)
      context.skip()
      return
    }
    const { tf, backend } = loaded
    expect(backend).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    const problem = gridProblem1d(64, 3)
    const network = networkSpec({ width: 16, bias: true, trained: ['a', 'w', 'b'], activation: 'relu', init: 'random' })
    const params = initialParameters(network, 1)
    const engine = await createTfjsTrainer(tf, 'wasm', problem, network, params)
    const reference = createF64Trainer(problem, network, params)
    await engine.step(5e-3, 200)
    reference.step(5e-3, 200)
    // float32 against float64 over 200 steps: see tfjsEngine.test.ts for the 1e-4 tolerance.
    expect(relativeMaxError(await engine.output(), reference.output())).toBeLessThan(1e-4)
    engine.dispose()
  })

  it('refuses an unavailable native backend with the reason and how to get it', async () => {
    for (const backend of ['tfjs-node-gpu', 'tfjs-node'] as const) {
      let result
      try {
        result = await loadTfjsBackend(backend)
      } catch (error) {
        // Not installed here (optionalDependencies whose install downloads libtensorflow).
        expect(error).toBeInstanceOf(BackendUnavailableError)
        const message = (error as Error).message
        expect(message).toContain(`"${backend}" is not available`)
        expect(message).toContain(`cannot load @tensorflow/${backend}`)
        expect(message).toContain(`npm install @tensorflow/${backend}`)
        if (backend === 'tfjs-node-gpu') expect(message).toMatch(/CUDA 11\.2 and cuDNN 8\.1/)
        expect((error as BackendUnavailableError).attempts).toEqual([{ backend, ok: false, reason: expect.stringContaining(backend) }])
        continue
      }
      // Where the package is installed it must load and compute.
      expect(result.backend).toBe(backend)
      expect(result.tf.getBackend()).toBe('tensorflow')
    }
  })

  it('"auto" tries the backends in order and returns the first that works', async () => {
    const { backend, attempts } = await loadTfjsBackend('auto')
    const order = attempts.map((attempt) => attempt.backend)
    expect(order).toEqual(TFJS_BACKEND_ORDER.slice(0, order.length))
    expect(attempts[attempts.length - 1]).toEqual({ backend, ok: true })
    for (const failed of attempts.slice(0, -1)) {
      expect(failed.ok).toBe(false)
      expect(failed.reason).toBeTruthy()
    }
  })
})
