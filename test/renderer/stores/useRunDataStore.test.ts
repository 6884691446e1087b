// The run data behind the dashboard: stored runs (run.load) and live runs (prepared, snapshot,
// progress, finished events) become the same chart data; redraws are throttled while streaming.
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunData, RunPrepared, RunSnapshot } from '../../../src/shared/api/workbenchApi'
import { useConnectionStore, type ShellClient } from '../../../src/renderer/src/stores/connectionStore'
import {
  UPDATE_INTERVAL_MS, applySnapshot, carriesP, chartDataFromPrepared, chartDataFromStored, useRunDataStore,
} from '../../../src/renderer/src/stores/useRunDataStore'

const F = 3
const S = 2
const N = 2

function prepared(): RunPrepared {
  return {
    runId: 'r1', experimentId: 'e', xi: Float64Array.from([0, 1, 2]), snapshotTimes: Float64Array.from([0, 1]), snapshotSteps: [0, 10],
    points: Float64Array.from([-1, 1]), target: Float64Array.from([0.5, -0.5]), band: 1.5, learningRate: 0.1, totalSteps: 10, backend: 'js-f64',
    models: { diffusion: { P: new Float64Array(S * F), Q: Float64Array.from([1, 0.5, 0.1, 0.9, 0.4, 0.05]) } },
    notes: [],
  }
}

function snapshot(index: number): RunSnapshot {
  return {
    runId: 'r1', experimentId: 'e', index, step: index * 10, t: index, loss: 1 / (index + 1),
    P: Float64Array.from([1e-17, 0, 0]), Q: Float64Array.from([index + 1, index + 2, index + 3]), output: Float64Array.from([index, -index]),
    errorNorm: 1, rel: { diffusion: 0.1 * index },
  }
}

function storedRun(): RunData {
  const arrays: RunData['arrays'] = {
    xi: { shape: [F], data: Float64Array.from([0, 1, 2]) },
    snapshot_times: { shape: [S], data: Float64Array.from([0, 1]) },
    points: { shape: [N, 1], data: Float64Array.from([-1, 1]) },
    target: { shape: [N], data: Float64Array.from([1, 2]) },
  }
  const record = { runId: 'r1', experimentId: 'e', status: 'running' } as unknown as RunData['record']
  return { runDir: '/p/runs/r1', record, arrays }
}

describe('chart data', () => {
  it('fills a live run snapshot by snapshot', () => {
    const data = chartDataFromPrepared(prepared())
    expect(data.filledCount).toBe(0)
    applySnapshot(data, snapshot(1))
    expect(Array.from(data.training.Q)).toEqual([0, 0, 0, 2, 3, 4])
    expect(Array.from(data.output)).toEqual([0, 0, 1, -1])
    expect(data.filled).toEqual([false, true])
    expect(data.rel.diffusion).toEqual([null, 0.1])
    expect(data.lossSteps).toEqual([10])
    // P at round-off level is not information: no P heatmaps
    expect(data.hasP).toBe(false)
  })

  it('reads a stored run with its metrics', () => {
    const arrays: RunData['arrays'] = {
      xi: { shape: [F], data: Float64Array.from([0, 1, 2]) },
      snapshot_times: { shape: [S], data: Float64Array.from([0, 1]) },
      snapshot_steps: { shape: [S], data: Int32Array.from([0, 10]) },
      points: { shape: [N, 1], data: Float64Array.from([-1, 1]) },
      target: { shape: [N], data: Float64Array.from([1, 2]) },
      output: { shape: [S, N], data: Float64Array.from([0, 0, 1, 2]) },
      train_P: { shape: [S, F], data: Float64Array.from([0.5, 0, 0, 0.2, 0, 0]) },
      train_Q: { shape: [S, F], data: Float64Array.from([1, 1, 1, 0.5, 0.5, 0.5]) },
      loss_steps: { shape: [2], data: Int32Array.from([0, 10]) },
      loss: { shape: [2], data: Float64Array.from([1, 0.5]) },
    }
    const record = {
      runId: 'r2', experimentId: 'e', status: 'done', learningRate: { value: 0.1 }, config: { network: { scales: [1, 2] }, analysis: { band: 1.5 } },
      metrics: { snapshots: [{ rel: { diffusion: 0 } }, { rel: { diffusion: 0.2, ntk: 0.3 } }] },
    } as unknown as RunData['record']
    const data = chartDataFromStored({ runDir: '/p/runs/r2', record, arrays })
    expect(data.filledCount).toBe(2)
    expect(data.rel).toEqual({ diffusion: [0, 0.2], ntk: [null, 0.3] })
    expect(data.hasP).toBe(true)
    expect(data.scales).toEqual([1, 2])
    expect(data.learningRate).toBe(0.1)
    expect(data.coefficients).toBeUndefined()
  })

  it('refuses a folder without the arrays to draw, saying which is missing', () => {
    const record = { runId: 'r3', experimentId: 'e', status: 'failed' } as unknown as RunData['record']
    expect(() => chartDataFromStored({ runDir: '/p/runs/r3', record, arrays: {} })).toThrow(/no xi\.npy/)
  })

  it('tells P that carries information from round-off', () => {
    expect(carriesP([{ P: [1e-17], Q: [1] }])).toBe(false)
    expect(carriesP([{ P: [1e-3], Q: [1] }])).toBe(true)
    expect(carriesP([undefined])).toBe(false)
  })
})

describe('useRunDataStore', () => {
  type Handler = (event: unknown) => void
  const handlers = new Map<string, Handler>()
  beforeEach(() => {
    vi.useFakeTimers()
    setActivePinia(createPinia())
    handlers.clear()
    const client = {
      run: {
        on: (event: string, handler: Handler) => { handlers.set(event, handler); return () => handlers.delete(event) },
        load: vi.fn(async () => { throw new Error('no such run') }),
      },
    } as unknown as ShellClient
    useConnectionStore().connect(client)
  })
  afterEach(() => vi.useRealTimers())

  it('throttles redraws while a run streams', () => {
    const store = useRunDataStore()
    store.listen()
    handlers.get('prepared')!(prepared())
    const afterPrepared = store.version
    expect(store.get({ runId: 'r1' })?.experimentId).toBe('e')
    for (let i = 0; i < 20; i++) handlers.get('progress')!({ runId: 'r1', phase: 'training', step: i + 1, loss: 1, totalSteps: 100, time: 0, etaSeconds: 1 })
    handlers.get('snapshot')!(snapshot(1))
    // twenty-one events, at most one redraw until the interval has passed
    expect(store.version - afterPrepared).toBeLessThanOrEqual(1)
    vi.advanceTimersByTime(UPDATE_INTERVAL_MS)
    expect(store.version - afterPrepared).toBeLessThanOrEqual(2)
    expect(store.get({ runId: 'r1' })?.lossSteps).toHaveLength(20)
  })

  it('keeps the end of a run that finished before it streamed anything (cancelled while preparing)', async () => {
    const store = useRunDataStore()
    store.listen()
    handlers.get('finished')!({ runId: 'r1', experimentId: 'e', status: 'cancelled', message: 'cancelled at step 0', runDir: '/p/runs/r1' })
    handlers.get('prepared')!(prepared())
    expect(store.get({ runId: 'r1' })?.status).toBe('cancelled')
    expect(store.statusOf('r1')).toEqual({ status: 'cancelled', message: 'cancelled at step 0' })
    await vi.runAllTimersAsync()
    expect(store.version).toBeGreaterThan(0)
  })

  it('follows a cancellation in the reactive status, not only in the mutated data', () => {
    const store = useRunDataStore()
    store.listen()
    handlers.get('prepared')!(prepared())
    expect(store.statusOf('r1')?.status).toBe('running')
    handlers.get('finished')!({ runId: 'r1', experimentId: 'e', status: 'cancelled', runDir: '/p/runs/r1' })
    expect(store.statusOf('r1')?.status).toBe('cancelled')
    expect(store.get({ runDir: '/p/runs/r1' })?.status).toBe('cancelled')
  })

  it('keeps a complete live copy when its run is done, and loads the stored run for export', async () => {
    const store = useRunDataStore()
    store.listen()
    const client = useConnectionStore().requireClient() as unknown as { run: { load: ReturnType<typeof vi.fn> } }
    handlers.get('prepared')!(prepared())
    handlers.get('snapshot')!(snapshot(0))
    handlers.get('snapshot')!(snapshot(1))
    handlers.get('finished')!({ runId: 'r1', experimentId: 'e', status: 'done', runDir: '/p/runs/r1' })
    expect(client.run.load).not.toHaveBeenCalled()
    const live = store.get({ runId: 'r1' })
    expect(live?.status).toBe('done')
    expect(live?.partialLoss).toBe(true)
    await store.ensureComplete({ runId: 'r1' })
    expect(client.run.load).toHaveBeenCalledWith({ runDir: '/p/runs/r1' })
  })

  it('does not let a stored copy that finished loading replace the live one', async () => {
    const store = useRunDataStore()
    store.listen()
    const client = useConnectionStore().requireClient() as unknown as { run: { load: ReturnType<typeof vi.fn> } }
    let answer!: (value: RunData) => void
    client.run.load.mockImplementationOnce(() => new Promise<RunData>((resolve) => (answer = resolve)))
    const loading = store.load('/p/runs/r1')
    handlers.get('prepared')!(prepared())
    answer(storedRun())
    await loading
    expect(store.get({ runDir: '/p/runs/r1' })?.source).toBe('live')
  })

  it('finds P information of the models in a task after the prepared event, then redraws', async () => {
    const store = useRunDataStore()
    store.listen()
    const event = prepared()
    event.models.diffusion!.P = Float64Array.from([0.1, 0, 0, 0, 0, 0])
    handlers.get('prepared')!(event)
    expect(store.get({ runId: 'r1' })?.hasP).toBe(false)
    await vi.runAllTimersAsync()
    expect(store.get({ runId: 'r1' })?.hasP).toBe(true)
  })

  it('says why a stored run could not be loaded', async () => {
    const store = useRunDataStore()
    await store.load('/p/runs/missing')
    expect(store.loadErrors['/p/runs/missing']).toBe('no such run')
  })
})
