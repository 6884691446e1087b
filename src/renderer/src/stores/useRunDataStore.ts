/**
 * The data behind a run's charts: for each run, its grids, target, coefficients, the models'
 * spectra and the training spectra snapshot by snapshot. Live runs fill it from the run
 * service's events ('prepared' once, then 'snapshot' and 'progress' as training goes); stored runs
 * come from run.load({ runDir }) (run.json and the .npy arrays, README "Projects").
 *
 * Arrays are large (S x F spectra, S x N outputs): they live in plain objects marked raw, never
 * made reactive. Charts watch one `version` counter per run, bumped at most every
 * UPDATE_INTERVAL_MS while a run streams, so a fast run cannot flood the renderer with redraws.
 */
import { defineStore } from 'pinia'
import { markRaw, ref, shallowRef, triggerRef } from 'vue'
import type { RunData, RunFinished, RunPrepared, RunProgress, RunSnapshot, RunStatus } from '../../../shared/api/workbenchApi'
import { useConnectionStore } from './connectionStore'

/** Chart updates of a streaming run are at most this often (UI stays smooth, issue 3 "Runs"). */
export const UPDATE_INTERVAL_MS = 250
/** Stored runs kept in memory besides live ones (the oldest loaded is dropped first). */
const MAX_STORED_RUNS = 6

export type NumericArray = Float64Array | Float32Array | Int32Array | number[]

export interface SpectraPair {
  /** S x F row-major, snapshot rows */
  P: NumericArray
  Q: NumericArray
}

/** Everything the dashboard draws for one run (raw: read it, never make it reactive). */
export interface RunChartData {
  runId: string
  runDir?: string
  experimentId: string
  source: 'live' | 'stored'
  status: RunStatus
  message?: string
  /** run.json notes: worth knowing, e.g. why a model is missing */
  notes: string[]
  /** cycles per unit length, F values */
  xi: NumericArray
  /** model times of the snapshots, S values */
  times: NumericArray
  /** gradient-descent step of each snapshot */
  snapshotSteps: number[]
  /** samples (N x dim) and the target on them */
  points: NumericArray
  target: NumericArray
  dim: number
  learningRate: number
  band?: number
  coefficients?: { Rre: NumericArray; Rim: NumericArray; Dre: NumericArray; Dim: NumericArray }
  /** training-error spectra, S x F; rows beyond `filled` not yet received */
  training: SpectraPair
  /** the models' predictions, S x F */
  models: { diffusion?: SpectraPair; ntk?: SpectraPair }
  /** network output at each snapshot, S x N */
  output: NumericArray
  /** snapshot rows received so far (S for a stored run) */
  filled: boolean[]
  filledCount: number
  /** loss against step */
  lossSteps: number[]
  loss: number[]
  /** rel(t) of each model at each snapshot (null: not yet known) */
  rel: { diffusion: (number | null)[]; ntk: (number | null)[] }
  /** whether P carries information (the network has a bias, or the target an even part) */
  hasP: boolean
  /** the network's scale set, where known (stored runs) */
  scales?: number[]
  /**
   * A live copy kept after its run finished: everything drawn is there, but the loss only at the
   * steps progress and snapshots reported (the stored run has every step). ensureComplete loads it.
   */
  partialLoss?: boolean
}

function maxAbs(values: ArrayLike<number> | undefined): number {
  let max = 0
  if (!values) return max
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i])
    if (a > max && Number.isFinite(a)) max = a
  }
  return max
}

/**
 * Relative size below which P is rounding noise, not information: P of an odd target without a
 * bias is zero up to float64 round-off (about 1e-16 of |Q|); anything real is far above 1e-9.
 */
export const P_NOISE_RATIO = 1e-9

/** Whether the P spectra carry information: some |P| above P_NOISE_RATIO times the largest |Q|. */
export function carriesP(pairs: (SpectraPair | undefined)[]): boolean {
  const scale = Math.max(...pairs.map((pair) => maxAbs(pair?.Q)), 0)
  const p = Math.max(...pairs.map((pair) => maxAbs(pair?.P)), 0)
  return p > 0 && p > P_NOISE_RATIO * scale
}

/**
 * Chart data from a prepared event: models and grids known, training rows still empty. hasP:
 * given by the caller (the store decides it in a later task), else computed from the models.
 */
export function chartDataFromPrepared(event: RunPrepared, options: { hasP?: boolean } = {}): RunChartData {
  const S = event.snapshotTimes.length
  const F = event.xi.length
  const N = event.target.length
  return markRaw({
    runId: event.runId,
    experimentId: event.experimentId,
    source: 'live',
    status: 'running',
    notes: [...(event.notes ?? [])],
    xi: event.xi,
    times: event.snapshotTimes,
    snapshotSteps: [...event.snapshotSteps],
    points: event.points,
    target: event.target,
    dim: N > 0 ? Math.max(1, Math.round(event.points.length / N)) : 1,
    learningRate: event.learningRate,
    band: event.band,
    coefficients: event.coefficients,
    training: { P: new Float64Array(S * F), Q: new Float64Array(S * F) },
    models: { diffusion: event.models.diffusion, ntk: event.models.ntk },
    output: new Float64Array(S * N),
    filled: new Array<boolean>(S).fill(false),
    filledCount: 0,
    lossSteps: [],
    loss: [],
    rel: { diffusion: new Array<number | null>(S).fill(null), ntk: new Array<number | null>(S).fill(null) },
    hasP: options.hasP ?? carriesP([event.models.diffusion, event.models.ntk]),
    partialLoss: true,
  })
}

/** Writes one snapshot event into live chart data (in place). */
export function applySnapshot(data: RunChartData, event: RunSnapshot): void {
  const F = data.xi.length
  const N = data.target.length
  const s = event.index
  if (s < 0 || s >= data.filled.length) return
  copyInto(data.training.P, event.P, s * F, F)
  copyInto(data.training.Q, event.Q, s * F, F)
  if (event.output.length >= N) copyInto(data.output, event.output, s * N, N)
  if (!data.filled[s]) {
    data.filled[s] = true
    data.filledCount += 1
  }
  data.rel.diffusion[s] = event.rel.diffusion ?? null
  data.rel.ntk[s] = event.rel.ntk ?? null
  if (!data.hasP && snapshotCarriesP(data, event)) data.hasP = true
  appendLoss(data, event.step, event.loss)
}

/** The largest |Q| of a run's diffusion model, computed once per run (a scan of S x F values). */
const modelScales = new WeakMap<RunChartData, number>()

/** Whether a snapshot's P carries information (as carriesP, with the model's scale cached). */
function snapshotCarriesP(data: RunChartData, event: RunSnapshot): boolean {
  let scale = modelScales.get(data)
  if (scale === undefined) {
    scale = maxAbs(data.models.diffusion?.Q)
    modelScales.set(data, scale)
  }
  const p = maxAbs(event.P)
  return p > 0 && p > P_NOISE_RATIO * Math.max(scale, maxAbs(event.Q))
}

/** out[offset + i] = values[i] for i < count (typed or plain arrays, whatever the transport gave). */
function copyInto(out: NumericArray, values: ArrayLike<number>, offset: number, count: number): void {
  const n = Math.min(count, values.length)
  for (let i = 0; i < n; i++) out[offset + i] = values[i]
}

function appendLoss(data: RunChartData, step: number, loss: number): void {
  const last = data.lossSteps.length - 1
  if (last >= 0 && data.lossSteps[last] >= step) return
  if (!Number.isFinite(loss)) return
  data.lossSteps.push(step)
  data.loss.push(loss)
}

/** Chart data from a stored run (run.load). */
export function chartDataFromStored(run: RunData): RunChartData {
  const arrays = run.arrays
  const get = (name: string): NumericArray | undefined => arrays[name]?.data
  const require = (name: string): NumericArray => {
    const values = get(name)
    if (!values) throw new Error(`The run folder ${run.runDir} has no ${name}.npy: the run did not get far enough to draw its spectra.`)
    return values
  }
  const xi = require('xi')
  const times = require('snapshot_times')
  const S = times.length
  const F = xi.length
  const target = require('target')
  const points = require('points')
  const N = target.length
  const pair = (prefix: string): SpectraPair | undefined => {
    const P = get(`${prefix}_P`)
    const Q = get(`${prefix}_Q`)
    return P && Q ? { P, Q } : undefined
  }
  const training = pair('train') ?? { P: new Float64Array(S * F), Q: new Float64Array(S * F) }
  const filledRows = Math.min(S, Math.floor(training.Q.length / Math.max(F, 1)))
  const metrics = run.record.metrics?.snapshots ?? []
  const rel = { diffusion: new Array<number | null>(S).fill(null), ntk: new Array<number | null>(S).fill(null) }
  metrics.forEach((m, s) => {
    if (s >= S) return
    rel.diffusion[s] = m.rel?.diffusion ?? null
    rel.ntk[s] = m.rel?.ntk ?? null
  })
  const coefficientNames = ['coef_Rre', 'coef_Rim', 'coef_Dre', 'coef_Dim'] as const
  const hasCoefficients = coefficientNames.every((name) => get(name))
  const models = { diffusion: pair('diffusion'), ntk: pair('ntk') }
  const steps = get('snapshot_steps')
  return markRaw({
    runId: run.record.runId,
    runDir: run.runDir,
    experimentId: run.record.experimentId,
    source: 'stored',
    status: run.record.status,
    message: run.record.message,
    notes: [...(run.record.notes ?? [])],
    xi,
    times,
    snapshotSteps: steps ? Array.from(steps) : [],
    points,
    target,
    dim: N > 0 ? Math.max(1, Math.round(points.length / N)) : 1,
    learningRate: run.record.learningRate?.value ?? 1,
    band: run.record.config?.analysis?.band,
    coefficients: hasCoefficients
      ? { Rre: require('coef_Rre'), Rim: require('coef_Rim'), Dre: require('coef_Dre'), Dim: require('coef_Dim') }
      : undefined,
    training,
    models,
    output: get('output') ?? new Float64Array(S * N),
    filled: Array.from({ length: S }, (_, s) => s < filledRows),
    filledCount: filledRows,
    lossSteps: Array.from(get('loss_steps') ?? []),
    loss: Array.from(get('loss') ?? []),
    rel,
    hasP: carriesP([training, models.diffusion, models.ntk]),
    scales: run.record.config?.network?.scales,
  })
}

export const useRunDataStore = defineStore('runData', () => {
  const connection = useConnectionStore()

  /** runId -> chart data (raw objects in a shallow map; `version` says when to redraw) */
  const runs = shallowRef(new Map<string, RunChartData>())
  /** runDir -> runId, for dashboards that know a run by its folder */
  const runIdByDir = new Map<string, string>()
  /** bumped (throttled) whenever any run's data changes; charts watch it */
  const version = ref(0)
  /** runDir -> why it could not be loaded */
  const loadErrors = ref<Record<string, string>>({})
  const loading = ref<Record<string, boolean>>({})
  /**
   * runId -> its status and message, reactive on its own (not through `version`): the chart data
   * is one object mutated in place, and a run that ends before it streams anything (cancelled
   * while preparing) must still show its end.
   */
  const statuses = ref<Record<string, { status: RunStatus; message?: string }>>({})

  let unsubscribers: (() => void)[] = []
  let pendingTimer: ReturnType<typeof setTimeout> | undefined
  let lastBump = 0
  const storedOrder: string[] = []

  let pendingDue = 0

  function bump(): void {
    pendingTimer = undefined
    lastBump = Date.now()
    triggerRef(runs)
    version.value += 1
  }

  /**
   * Bumps `version` in a task of its own: at once (immediate), or once the interval since the last
   * bump has passed. Never synchronously: the charts' work then never joins the task that decoded
   * an event (a large 'prepared' event or a stored run), so neither blocks the page for the sum.
   */
  function scheduleUpdate(immediate = false): void {
    const now = Date.now()
    const wait = immediate ? 0 : Math.max(0, UPDATE_INTERVAL_MS - (now - lastBump))
    if (pendingTimer !== undefined) {
      if (now + wait >= pendingDue) return
      clearTimeout(pendingTimer)
    }
    pendingDue = now + wait
    pendingTimer = setTimeout(bump, wait)
  }

  /** Subscribes to the run service's events (once). */
  function listen(): void {
    if (unsubscribers.length > 0) return
    const client = connection.requireClient()
    unsubscribers = [
      client.run.on('prepared', onPrepared),
      client.run.on('snapshot', onSnapshot),
      client.run.on('progress', onProgress),
      client.run.on('finished', onFinished),
    ]
  }

  function stopListening(): void {
    for (const unsubscribe of unsubscribers) unsubscribe()
    unsubscribers = []
  }

  function setStatus(runId: string, status: RunStatus, message?: string): void {
    const known = statuses.value[runId]
    if (known && known.status === status && known.message === message) return
    statuses.value = { ...statuses.value, [runId]: { status, message } }
  }

  function isFinal(status: RunStatus | undefined): boolean {
    return status !== undefined && status !== 'running' && status !== 'queued'
  }

  function onPrepared(event: RunPrepared): void {
    // whether P carries information scans every model value: in a task of its own, not in the
    // one that decoded the event nor in the one that draws the dashboard
    const data = chartDataFromPrepared(event, { hasP: false })
    setTimeout(() => {
      if (!data.hasP && carriesP([event.models.diffusion, event.models.ntk])) {
        data.hasP = true
        scheduleUpdate(true)
      }
    }, 0)
    // the run may have ended already (its 'finished' came first): keep that end
    const known = statuses.value[event.runId]
    if (known && isFinal(known.status)) {
      data.status = known.status
      data.message = known.message
    } else {
      setStatus(event.runId, 'running')
    }
    const present = runs.value.get(event.runId)
    if (present?.runDir) data.runDir = present.runDir
    runs.value.set(event.runId, data)
    scheduleUpdate(true)
  }

  function onSnapshot(event: RunSnapshot): void {
    const data = runs.value.get(event.runId)
    if (!data || data.source !== 'live') return
    applySnapshot(data, event)
    scheduleUpdate()
  }

  function onProgress(event: RunProgress): void {
    const data = runs.value.get(event.runId)
    if (!data || data.source !== 'live' || event.phase !== 'training') return
    appendLoss(data, event.step, event.loss)
    scheduleUpdate()
  }

  function onFinished(event: RunFinished): void {
    const data = runs.value.get(event.runId)
    runIdByDir.set(event.runDir, event.runId)
    setStatus(event.runId, event.status, event.message)
    if (data) {
      data.status = event.status
      data.message = event.message
      data.runDir = event.runDir
      scheduleUpdate(true)
    }
    // A live copy with every snapshot holds all that the charts draw: keep it (loading the
    // stored run would decode every array again, a long task right after the run). Export loads
    // the stored run first (ensureComplete), for the loss at every step. A copy that missed
    // snapshots is replaced by the stored run now.
    if (data && event.status === 'done' && data.source === 'live' && data.filledCount < data.filled.length) {
      void load(event.runDir, { force: true })
    }
  }

  /**
   * The complete data of a run before export: a live copy kept after its run finished is
   * replaced by the stored run (loss at every step, metrics). Resolves with the data to use.
   */
  async function ensureComplete(key: { runId?: string; runDir?: string }): Promise<RunChartData | undefined> {
    const data = get(key)
    if (!data || !data.partialLoss || data.status !== 'done') return data
    const runDir = data.runDir ?? key.runDir
    if (!runDir) return data
    return (await load(runDir, { force: true })) ?? data
  }

  /** The chart data of a run, by id or folder (undefined: none yet). */
  function get(key: { runId?: string; runDir?: string }): RunChartData | undefined {
    if (key.runId && runs.value.has(key.runId)) return runs.value.get(key.runId)
    const id = key.runDir ? runIdByDir.get(key.runDir) : undefined
    return id ? runs.value.get(id) : undefined
  }

  /** Loads a stored run (unless a live or loaded copy is present); resolves with its data. */
  async function load(runDir: string, options: { force?: boolean } = {}): Promise<RunChartData | undefined> {
    const present = get({ runDir })
    if (present && !options.force) return present
    loading.value = { ...loading.value, [runDir]: true }
    try {
      const stored = chartDataFromStored(await connection.requireClient().run.load({ runDir }))
      // a live copy that arrived while this loaded is newer than a folder still being written
      const live = runs.value.get(stored.runId)
      if (live && live.source === 'live' && !options.force) {
        runIdByDir.set(runDir, live.runId)
        if (!live.runDir) live.runDir = runDir
        return live
      }
      const known = statuses.value[stored.runId]
      if (known && isFinal(known.status) && !isFinal(stored.status)) {
        stored.status = known.status
        stored.message = known.message
      } else {
        setStatus(stored.runId, stored.status, stored.message)
      }
      runs.value.set(stored.runId, stored)
      runIdByDir.set(runDir, stored.runId)
      remember(stored.runId)
      const { [runDir]: _gone, ...others } = loadErrors.value
      loadErrors.value = others
      scheduleUpdate(true)
      return stored
    } catch (error) {
      loadErrors.value = { ...loadErrors.value, [runDir]: error instanceof Error ? error.message : String(error) }
      return undefined
    } finally {
      const { [runDir]: _done, ...others } = loading.value
      loading.value = others
    }
  }

  /** Notes that a run id lives in a folder (a dashboard opened for a run started here). */
  function associate(runId: string, runDir: string): void {
    runIdByDir.set(runDir, runId)
    const data = runs.value.get(runId)
    if (data && !data.runDir) data.runDir = runDir
  }

  function remember(runId: string): void {
    const at = storedOrder.indexOf(runId)
    if (at >= 0) storedOrder.splice(at, 1)
    storedOrder.push(runId)
    while (storedOrder.length > MAX_STORED_RUNS) {
      const dropped = storedOrder.shift()
      if (dropped && runs.value.get(dropped)?.source === 'stored') runs.value.delete(dropped)
    }
  }

  /** Adds chart data directly (tests, harnesses). */
  function put(data: RunChartData): void {
    setStatus(data.runId, data.status, data.message)
    runs.value.set(data.runId, markRaw(data))
    if (data.runDir) runIdByDir.set(data.runDir, data.runId)
    scheduleUpdate(true)
  }

  /** The status of a run (reactive), from its events or its stored record. */
  function statusOf(runId: string | undefined): { status: RunStatus; message?: string } | undefined {
    return runId ? statuses.value[runId] : undefined
  }

  return {
    runs, version, loadErrors, loading, statuses, statusOf,
    listen, stopListening, get, load, ensureComplete, associate, put, onPrepared, onSnapshot, onProgress, onFinished,
  }
})
