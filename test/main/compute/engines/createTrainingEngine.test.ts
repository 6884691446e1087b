import { describe, expect, it } from 'vitest'
import { createTrainingEngine } from '../../../../src/main/compute/engines/createTrainingEngine'
import { initialParameters } from '../../../../src/shared/network/initialParameters'
import { gridProblem1d, networkSpec } from '../../../shared/network/networkFixtures'

const problem = gridProblem1d(40, 3)
const network = networkSpec({ width: 8 })
const params = initialParameters(network, 1)

describe('createTrainingEngine', () => {
  it('builds js-f64 on request', async () => {
    const { engine, attempts } = await createTrainingEngine('js-f64', problem, network, params)
    expect(engine.backend).toBe('js-f64')
    expect(engine.precision).toBe('float64')
    expect(attempts).toEqual([{ backend: 'js-f64', ok: true }])
  })

  it('"auto" takes tfjs-node-gpu where it loads, else js-f64, recording why', async () => {
    const { engine, attempts } = await createTrainingEngine('auto', problem, network, params)
    expect(attempts[0].backend).toBe('tfjs-node-gpu')
    if (attempts[0].ok) {
      expect(engine.backend).toBe('tfjs-node-gpu')
    } else {
      expect(attempts[0].reason).toMatch(/cannot load @tensorflow\/tfjs-node-gpu/)
      expect(attempts[1]).toEqual({ backend: 'js-f64', ok: true })
      expect(engine.backend).toBe('js-f64')
    }
    engine.dispose()
  })

  it('builds a float32 tfjs engine on the cpu backend, and it trains', async () => {
    const { engine, attempts } = await createTrainingEngine('cpu', problem, network, params)
    expect(engine.backend).toBe('cpu')
    expect(engine.precision).toBe('float32')
    expect(attempts).toEqual([{ backend: 'cpu', ok: true }])
    const before = await engine.loss()
    await engine.step(5e-3, 50)
    expect(await engine.loss()).toBeLessThan(before)
    engine.dispose()
  })

  it('passes on the refusal of an unavailable backend requested by name', async () => {
    const attempt = createTrainingEngine('tfjs-node', problem, network, params)
    await attempt.then(
      ({ engine }) => expect(engine.backend).toBe('tfjs-node'), // where it is installed
      (error: Error) => expect(error.message).toMatch(/"tfjs-node" is not available.*npm install @tensorflow\/tfjs-node/),
    )
  })
})
