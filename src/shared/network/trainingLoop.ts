import type { TrainingEngine } from './trainingEngine'

/**
 * The gradient-descent training loop (spec section 2): totalSteps steps of size eta on any
 * TrainingEngine, model time t = step x eta. It
 * - runs the steps in chunks sized from the measured step time (about CHUNK_TARGET_MS each) and
 *   lets the event loop run at least every YIELD_INTERVAL_MS, so isCancelled() (set by a message
 *   or a timer) is seen within a fraction of a second even for big problems;
 * - records the output and loss at every snapshot step, and the loss every `lossEvery` steps in a
 *   curve of at most MAX_LOSS_CURVE_POINTS points (halved by keeping every other point when full);
 * - reports progress at most once per progressIntervalMs (and once at the start and the end);
 * - stops with status "diverged" when the loss is not finite or has grown to more than
 *   REBOUND_FACTOR x the lowest loss reached so far (that lowest loss floored at REBOUND_FLOOR x the
 *   initial loss, so rounding noise near a perfect fit is no alarm). This also covers a plain
 *   blow-up above 1e6 x the initial loss, since the lowest loss never exceeds the initial one.
 */

/** Wall time one chunk of steps should take between two looks at isCancelled. */
export const CHUNK_TARGET_MS = 100
/** Longest stretch of synchronous work before the loop lets the event loop run. */
export const YIELD_INTERVAL_MS = 50
/** Loss curve size bound (points). */
export const MAX_LOSS_CURVE_POINTS = 2000
/** Default number of loss-curve points aimed at when lossEvery is not given. */
export const DEFAULT_LOSS_CURVE_POINTS = 1000
/** Divergence: loss above this multiple of the lowest loss reached so far. */
export const REBOUND_FACTOR = 1e3
/** The lowest loss counts as at least this fraction of the initial loss in the rebound test. */
export const REBOUND_FLOOR = 1e-9
/** Stands for the initial loss when that is zero (a zero target with zero-output initialisation). */
const TINY_LOSS = 1e-300

export interface TrainingProgress {
  step: number
  totalSteps: number
  /** model time t = step x eta */
  time: number
  /** latest measured loss */
  loss: number
  /** estimated wall seconds to finish (NaN before the first step) */
  etaSeconds: number
}

export interface TrainingSnapshot {
  step: number
  /** model time t = step x eta */
  time: number
  /** f(x_i) at this step, length N (a fresh array the receiver may keep) */
  output: Float64Array
  loss: number
}

export interface GradientDescentOptions {
  /** eta > 0 */
  learningRate: number
  /** number of GD steps n; the final model time is n eta */
  totalSteps: number
  /** steps at which to record the output, sorted ascending; 0 and totalSteps are added if missing */
  snapshotSteps: number[]
  /** steps between loss-curve points; default ceil(totalSteps / DEFAULT_LOSS_CURVE_POINTS) */
  lossEvery?: number
  /** least wall time between two progress events, ms */
  progressIntervalMs: number
  /** wall clock in ms (performance.now or Date.now; a fake one in tests) */
  now: () => number
  onProgress(progress: TrainingProgress): void
  onSnapshot(snapshot: TrainingSnapshot): void
  isCancelled(): boolean
}

export interface GradientDescentResult {
  status: 'done' | 'cancelled' | 'diverged'
  /** steps actually taken */
  steps: number
  /** loss at steps[i], i = 0..length-1 (Loss of spec section 2) */
  lossCurve: { steps: Int32Array; loss: Float64Array }
  message?: string
}

/**
 * Runs gradient descent on `engine` (spec section 2) and returns how it ended.
 * Rejects with an Error naming the option when the options are invalid.
 */
export async function runGradientDescent(engine: TrainingEngine, options: GradientDescentOptions): Promise<GradientDescentResult> {
  const { learningRate: eta, totalSteps, now } = options
  if (!(Number.isFinite(eta) && eta > 0)) throw new Error(`learningRate: expected a positive finite number, got ${eta}`)
  if (!(Number.isInteger(totalSteps) && totalSteps >= 0 && totalSteps < 2 ** 31)) {
    throw new Error(`totalSteps: expected an integer in [0, 2^31), got ${totalSteps}`)
  }
  const snapshots = snapshotSchedule(options.snapshotSteps, totalSteps)
  const lossEvery = options.lossEvery ?? Math.max(1, Math.ceil(totalSteps / DEFAULT_LOSS_CURVE_POINTS))
  if (!(Number.isInteger(lossEvery) && lossEvery >= 1)) throw new Error(`lossEvery: expected a positive integer, got ${lossEvery}`)

  const curve = new LossCurve(MAX_LOSS_CURVE_POINTS, lossEvery)
  const startTime = now()
  let lastProgress = startTime
  let lastYield = startTime
  let step = 0
  let loss = await engine.loss()
  const initialLoss = loss
  let lowestLoss = loss
  curve.add(0, loss)

  const progress = () => {
    const elapsed = now() - startTime
    const etaSeconds = step > 0 ? ((totalSteps - step) * elapsed) / step / 1000 : Number.NaN
    options.onProgress({ step, totalSteps, time: step * eta, loss, etaSeconds })
    lastProgress = now()
  }
  const finish = (status: GradientDescentResult['status'], message?: string): GradientDescentResult => {
    curve.addFinal(step, loss)
    progress()
    return { status, steps: step, lossCurve: curve.result(), ...(message ? { message } : {}) }
  }
  const divergence = (): string | undefined => {
    const where = `at step ${step} (t = ${formatNumber(step * eta)}) with learning rate ${formatNumber(eta)}`
    if (!Number.isFinite(loss)) return `Training diverged ${where}: the loss became ${loss}.`
    const threshold = REBOUND_FACTOR * Math.max(lowestLoss, REBOUND_FLOOR * Math.max(initialLoss, TINY_LOSS))
    if (loss > threshold) {
      return `Training diverged ${where}: the loss grew to ${formatNumber(loss)}, more than ${REBOUND_FACTOR} x its lowest value ${formatNumber(lowestLoss)} (initial loss ${formatNumber(initialLoss)}).`
    }
    return undefined
  }

  let snapshotIndex = 0
  const takeSnapshots = async () => {
    while (snapshotIndex < snapshots.length && snapshots[snapshotIndex] === step) {
      const output = await engine.output()
      options.onSnapshot({ step, time: step * eta, output, loss })
      snapshotIndex++
    }
  }

  const initialProblem = divergence()
  if (initialProblem) return finish('diverged', initialProblem)
  await takeSnapshots()
  progress()

  let chunk = 1
  while (step < totalSteps) {
    if (options.isCancelled()) return finish('cancelled', `Cancelled at step ${step} of ${totalSteps} (t = ${formatNumber(step * eta)}).`)
    const nextLossStep = (Math.floor(step / lossEvery) + 1) * lossEvery
    const count = Math.min(chunk, snapshots[snapshotIndex] - step, nextLossStep - step, totalSteps - step)
    const chunkStart = now()
    await engine.step(eta, count)
    step += count
    loss = await engine.loss()
    const chunkMs = Math.max(now() - chunkStart, 1e-3)
    // Next chunk: the count that takes about CHUNK_TARGET_MS at the measured rate, growing at most 4x.
    chunk = Math.max(1, Math.min(4 * chunk, Math.floor((CHUNK_TARGET_MS * count) / chunkMs)))

    const problem = divergence()
    if (problem) return finish('diverged', problem)
    lowestLoss = Math.min(lowestLoss, loss)
    if (step % lossEvery === 0) curve.add(step, loss)
    await takeSnapshots()
    if (now() - lastProgress >= options.progressIntervalMs) progress()
    if (now() - lastYield >= YIELD_INTERVAL_MS) {
      await yieldToEventLoop()
      lastYield = now()
    }
  }
  return finish('done')
}

/** Sorted, de-duplicated snapshot steps within [0, totalSteps], with 0 and totalSteps included. */
function snapshotSchedule(requested: number[], totalSteps: number): number[] {
  for (const [index, s] of requested.entries()) {
    if (!(Number.isInteger(s) && s >= 0 && s <= totalSteps)) {
      throw new Error(`snapshotSteps[${index}]: expected an integer step in [0, ${totalSteps}], got ${s}`)
    }
  }
  return [...new Set([0, ...requested, totalSteps])].sort((x, y) => x - y)
}

/** Lets timers and messages (a cancel request) run before the loop continues. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value)
}

/**
 * A loss curve of bounded size: points at multiples of `stride` steps; when full, every other
 * point is dropped (those not at a multiple of 2 x stride) and the stride doubles.
 */
class LossCurve {
  private readonly steps: Int32Array
  private readonly values: Float64Array
  private length = 0

  constructor(
    private readonly capacity: number,
    private stride: number,
  ) {
    this.steps = new Int32Array(capacity)
    this.values = new Float64Array(capacity)
  }

  add(step: number, loss: number): void {
    if (step % this.stride !== 0) return
    while (this.length >= this.capacity) this.decimate()
    if (step % this.stride !== 0) return
    this.push(step, loss)
  }

  /** The last step of the run, kept even when it is not on the stride. */
  addFinal(step: number, loss: number): void {
    if (this.length > 0 && this.steps[this.length - 1] === step) return
    while (this.length >= this.capacity) this.decimate()
    this.push(step, loss)
  }

  result(): { steps: Int32Array; loss: Float64Array } {
    return { steps: this.steps.slice(0, this.length), loss: this.values.slice(0, this.length) }
  }

  private push(step: number, loss: number): void {
    this.steps[this.length] = step
    this.values[this.length] = loss
    this.length++
  }

  private decimate(): void {
    const stride = 2 * this.stride
    let kept = 0
    for (let i = 0; i < this.length; i++) {
      if (this.steps[i] % stride !== 0) continue
      this.steps[kept] = this.steps[i]
      this.values[kept] = this.values[i]
      kept++
    }
    this.length = kept
    this.stride = stride
  }
}
