import { describe, expect, it } from 'vitest'
import { createF64Trainer } from '../../../src/shared/network/gradientDescentF64'
import { initialParameters } from '../../../src/shared/network/initialParameters'
import type { TrainingEngine } from '../../../src/shared/network/trainingEngine'
import { MAX_LOSS_CURVE_POINTS, runGradientDescent, type GradientDescentOptions, type TrainingSnapshot } from '../../../src/shared/network/trainingLoop'
import { gridProblem1d, networkSpec } from './networkFixtures'

/**
 * A stand-in engine whose state is the step count n: loss(n) is given by a formula, output is [n],
 * and each step can busy-wait to imitate a big problem.
 */
function fakeEngine(lossAt: (n: number) => number, msPerStep = 0): TrainingEngine & { stepsTaken: () => number } {
  let n = 0
  return {
    backend: 'js-f64',
    precision: 'float64',
    step(_eta: number, count: number) {
      const until = performance.now() + msPerStep * count
      while (msPerStep > 0 && performance.now() < until) {
        // busy: the event loop is blocked as it would be by real arithmetic
      }
      n += count
    },
    output: () => Float64Array.of(n),
    loss: () => lossAt(n),
    parameters: () => ({ a: new Float64Array(0), w: new Float64Array(0), b: new Float64Array(0) }),
    dispose: () => undefined,
    stepsTaken: () => n,
  }
}

function baseOptions(overrides: Partial<GradientDescentOptions> = {}): GradientDescentOptions {
  return {
    learningRate: 0.01,
    totalSteps: 100,
    snapshotSteps: [0, 100],
    progressIntervalMs: 100,
    now: () => performance.now(),
    onProgress: () => undefined,
    onSnapshot: () => undefined,
    isCancelled: () => false,
    ...overrides,
  }
}

describe('runGradientDescent', () => {
  it('takes snapshots exactly at the requested steps, with the outputs of an engine stepped directly', async () => {
    const problem = gridProblem1d(60, 3)
    const network = networkSpec({ width: 12 })
    const params = initialParameters(network, 1)
    const engine = createF64Trainer(problem, network, params)
    const snapshots: TrainingSnapshot[] = []
    const result = await runGradientDescent(
      engine,
      baseOptions({ learningRate: 0.005, totalSteps: 120, snapshotSteps: [3, 10, 57], lossEvery: 7, onSnapshot: (s) => snapshots.push(s) }),
    )
    expect(result.status).toBe('done')
    expect(result.steps).toBe(120)
    // 0 and totalSteps are added to the requested steps.
    expect(snapshots.map((s) => s.step)).toEqual([0, 3, 10, 57, 120])
    expect(snapshots.map((s) => s.time)).toEqual([0, 3, 10, 57, 120].map((n) => n * 0.005))
    // An independent engine stepped straight to each snapshot step gives the same outputs, bit for bit
    // (same arithmetic; the loop's extra loss() calls do not change the state).
    const direct = createF64Trainer(problem, network, params)
    let at = 0
    for (const snapshot of snapshots) {
      direct.step(0.005, snapshot.step - at)
      at = snapshot.step
      expect(snapshot.output).toEqual(direct.output())
      expect(snapshot.loss).toBe(direct.loss())
    }
    // Loss curve: every 7 steps, plus the last step.
    const expectedSteps = [...Array.from({ length: 18 }, (_, i) => 7 * i), 120]
    expect(Array.from(result.lossCurve.steps)).toEqual(expectedSteps)
    expect(result.lossCurve.loss[result.lossCurve.loss.length - 1]).toBe(direct.loss())
  })

  it('keeps the loss curve within its size bound, thinning it evenly', async () => {
    const lossAt = (n: number) => 1 / (1 + n)
    const result = await runGradientDescent(fakeEngine(lossAt), baseOptions({ totalSteps: 50_000, snapshotSteps: [], lossEvery: 1 }))
    const { steps, loss } = result.lossCurve
    expect(steps.length).toBeLessThanOrEqual(MAX_LOSS_CURVE_POINTS)
    expect(steps.length).toBeGreaterThan(MAX_LOSS_CURVE_POINTS / 4)
    expect(steps[0]).toBe(0)
    expect(steps[steps.length - 1]).toBe(50_000)
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1])
    // Thinning keeps a regular stride (except the final point).
    const stride = steps[1] - steps[0]
    for (let i = 1; i < steps.length - 1; i++) expect(steps[i] - steps[i - 1]).toBe(stride)
    steps.forEach((n, i) => expect(loss[i]).toBe(lossAt(n)))
  })

  it('reports progress at a bounded rate, and once at the start and the end', async () => {
    let clock = 0
    const events: { step: number; etaSeconds: number }[] = []
    const engine = fakeEngine((n) => 1 / (1 + n))
    await runGradientDescent(
      engine,
      baseOptions({
        totalSteps: 5000,
        lossEvery: 1,
        progressIntervalMs: 50,
        // a fake clock: 1 ms per call
        now: () => ++clock,
        onProgress: (p) => events.push(p),
      }),
    )
    expect(events[0].step).toBe(0)
    expect(events[events.length - 1].step).toBe(5000)
    expect(events.length).toBeLessThanOrEqual(clock / 50 + 2)
    expect(events.length).toBeGreaterThan(3)
    for (let i = 1; i < events.length; i++) expect(events[i].step).toBeGreaterThanOrEqual(events[i - 1].step)
    expect(events[1].etaSeconds).toBeGreaterThan(0)
  })

  it('stops within a second of a cancel request, even with slow steps', async () => {
    // 2 ms per step and 10^6 steps: about half an hour if never cancelled.
    const engine = fakeEngine(() => 1, 2)
    let cancelled = false
    let cancelledAt = 0
    setTimeout(() => {
      cancelled = true
      cancelledAt = performance.now()
    }, 300)
    const result = await runGradientDescent(engine, baseOptions({ totalSteps: 1_000_000, snapshotSteps: [], isCancelled: () => cancelled }))
    const latency = performance.now() - cancelledAt
    expect(result.status).toBe('cancelled')
    expect(result.steps).toBe(engine.stepsTaken())
    expect(result.steps).toBeGreaterThan(0)
    expect(result.steps).toBeLessThan(1_000_000)
    expect(result.message).toMatch(/Cancelled at step/)
    expect(latency).toBeLessThan(1000)
  })

  it('detects divergence of a too-large learning rate', async () => {
    const problem = gridProblem1d(60, 3)
    const network = networkSpec({ width: 12, scales: [1, 2, 4] })
    const params = initialParameters(network, 1)
    // A sane learning rate trains without alarm...
    const good = await runGradientDescent(createF64Trainer(problem, network, params), baseOptions({ learningRate: 1e-3, totalSteps: 500 }))
    expect(good.status).toBe('done')
    expect(good.lossCurve.loss[good.lossCurve.loss.length - 1]).toBeLessThan(good.lossCurve.loss[0])
    // ...a huge one blows up, and the loop stops early and says so.
    const bad = await runGradientDescent(createF64Trainer(problem, network, params), baseOptions({ learningRate: 5, totalSteps: 10_000, snapshotSteps: [10_000] }))
    expect(bad.status).toBe('diverged')
    expect(bad.steps).toBeLessThan(10_000)
    expect(bad.message).toMatch(/diverged at step \d+ .*learning rate 5/)
  })

  it('calls non-finite losses, blow-ups and rebounds divergence', async () => {
    const nan = await runGradientDescent(fakeEngine((n) => (n < 40 ? 1 : Number.NaN)), baseOptions({ lossEvery: 1 }))
    expect(nan.status).toBe('diverged')
    expect(nan.steps).toBe(40)
    expect(nan.message).toMatch(/NaN/)
    const blowUp = await runGradientDescent(fakeEngine((n) => 2 ** n), baseOptions({ lossEvery: 1 }))
    expect(blowUp.status).toBe('diverged')
    expect(blowUp.steps).toBe(10) // 2^10 > 1e3 x the lowest loss 2^0 first at n = 10
    // Down to 1e-6 by step 30, then growing: 1e3 x the lowest loss is passed at step 30 + 10.
    const rebound = await runGradientDescent(fakeEngine((n) => (n <= 30 ? 10 ** (-n / 5) : 1e-6 * 2 ** (n - 30))), baseOptions({ lossEvery: 1 }))
    expect(rebound.status).toBe('diverged')
    expect(rebound.steps).toBe(40)
    expect(rebound.message).toMatch(/lowest/)
    // A loss that reaches zero (a perfect fit) and stays at rounding level is not a divergence.
    const perfect = await runGradientDescent(fakeEngine((n) => (n < 10 ? 1 : 1e-20 * (n % 3))), baseOptions({ lossEvery: 1 }))
    expect(perfect.status).toBe('done')
  })

  it('refuses invalid options, naming them', async () => {
    const engine = fakeEngine(() => 1)
    await expect(runGradientDescent(engine, baseOptions({ learningRate: -1 }))).rejects.toThrow(/learningRate/)
    await expect(runGradientDescent(engine, baseOptions({ totalSteps: 1.5 }))).rejects.toThrow(/totalSteps/)
    await expect(runGradientDescent(engine, baseOptions({ snapshotSteps: [200] }))).rejects.toThrow(/snapshotSteps\[0\]/)
    await expect(runGradientDescent(engine, baseOptions({ lossEvery: 0 }))).rejects.toThrow(/lossEvery/)
  })
})
