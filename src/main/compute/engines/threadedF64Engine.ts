import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { NetworkSpec } from '../../../shared/project/experimentTypes'
import { F64Kernel } from '../../../shared/network/f64Kernel'
import {
  createF64Trainer, createF64TrainerOn, prepareF64State, type F64Executor, type F64State, type F64TrainingEngine,
} from '../../../shared/network/gradientDescentF64'
import type { NetworkParameters } from '../../../shared/network/initialParameters'
import type { TrainingProblem } from '../../../shared/network/trainingEngine'
import { findPackageRoot } from '../../runs/packageRoot'
import { COMMAND, CONTROL, CONTROL_BYTES, CONTROL_ETA, markFailed, runCommand, type F64WorkerData } from './f64ThreadProtocol'

export interface ThreadedF64Options {
  /** threads computing one step, the calling thread included (1: no workers); capped by the problem's chunks */
  threads: number
  /** the bundled worker entry; default out/node/f64ThreadWorker.mjs in the package folder */
  workerScript?: string
  /** called when a worker thread has exited (tests check that dispose() ends them all) */
  onWorkerExit?: (code: number) => void
}

/**
 * The js-f64 engine on `threads` threads: the calling thread is participant 0 and threads - 1
 * worker threads share the kernel state through a SharedArrayBuffer (f64ThreadProtocol.ts). Its
 * methods stay synchronous: step() blocks the calling thread (a run worker) until the step is done.
 * Results are bit-identical to createF64Trainer's for any thread count (f64Kernel.ts). The workers
 * are unref'd and end on dispose(); they also end with the thread that started them.
 */
export async function createThreadedF64Trainer(
  problem: TrainingProblem,
  network: NetworkSpec,
  params: NetworkParameters,
  options: ThreadedF64Options,
): Promise<F64TrainingEngine> {
  const requested = Math.max(1, Math.floor(options.threads))
  if (requested === 1) return createF64Trainer(problem, network, params)
  const state = prepareF64State(problem, network, params, (bytes) => new SharedArrayBuffer(bytes))
  const participants = Math.min(requested, state.shape.chunkCount)
  if (participants === 1) return createF64Trainer(problem, network, params)
  const executor = await startWorkers(state, participants, options.workerScript ?? join(findPackageRoot(), 'out/node/f64ThreadWorker.mjs'), options.onWorkerExit)
  return createF64TrainerOn(state, executor)
}

async function startWorkers(state: F64State, participants: number, workerScript: string, onWorkerExit?: (code: number) => void): Promise<F64Executor> {
  const controlBuffer = new SharedArrayBuffer(CONTROL_BYTES)
  const control = new Int32Array(controlBuffer)
  const eta = new Float64Array(controlBuffer)
  const workers: Worker[] = []
  const stopAll = () => {
    Atomics.store(control, CONTROL.type, COMMAND.exit)
    Atomics.add(control, CONTROL.generation, 1)
    Atomics.notify(control, CONTROL.generation)
    for (const worker of workers) void worker.terminate().catch(() => undefined)
  }
  try {
    await Promise.all(
      Array.from({ length: participants - 1 }, (_, index) => {
        const workerData: F64WorkerData = { shape: state.shape, state: state.buffer as SharedArrayBuffer, control: controlBuffer, rank: index + 1, participants }
        const worker = new Worker(workerScript, { workerData })
        workers.push(worker)
        worker.unref()
        if (onWorkerExit) worker.on('exit', onWorkerExit)
        return new Promise<void>((resolve, reject) => {
          const early = (code: number) => reject(new Error(`js-f64: a worker thread exited (code ${code}) before it started`))
          worker.once('message', () => {
            worker.off('exit', early)
            resolve()
          })
          worker.once('error', reject)
          worker.once('exit', early)
        })
      }),
    )
  } catch (error) {
    stopAll()
    throw new Error(`js-f64: cannot start ${participants - 1} worker thread(s) from ${workerScript}: ${(error as Error).message}`)
  }
  for (const worker of workers) {
    worker.removeAllListeners('error')
    worker.on('error', () => markFailed(control))
  }
  const kernel = new F64Kernel(state.shape, state.arrays)
  const publish = (type: number, learningRate: number, count: number) => {
    if (Atomics.load(control, CONTROL.failed) !== 0) throw new Error('js-f64: a worker thread of the engine failed')
    eta[CONTROL_ETA] = learningRate
    Atomics.store(control, CONTROL.count, count)
    Atomics.store(control, CONTROL.type, type)
    Atomics.add(control, CONTROL.generation, 1)
    Atomics.notify(control, CONTROL.generation)
    try {
      runCommand(kernel, state.shape, control, learningRate, 0, participants)
    } catch (error) {
      markFailed(control)
      throw error
    }
  }
  return {
    threads: participants,
    steps: (learningRate, count) => publish(COMMAND.step, learningRate, count),
    forward: () => publish(COMMAND.forward, 0, 0),
    dispose: stopAll,
  }
}
