import type { BackendChoice, NetworkSpec } from '../../../shared/project/experimentTypes'
import type { NetworkParameters } from '../../../shared/network/initialParameters'
import type { BackendAttempt, TrainingEngine, TrainingProblem } from '../../../shared/network/trainingEngine'
import { BackendUnavailableError, loadTfjsBackend } from './tfjsBackends'
import { createTfjsTrainer } from './tfjsEngine'
import { createThreadedF64Trainer } from './threadedF64Engine'

export interface EngineOptions {
  /**
   * Threads of the js-f64 engine, the calling thread included (default 1: no worker threads).
   * The run service chooses it so that the engine threads of concurrent runs do not exceed the
   * cores (runService.ts); tfjs backends ignore it.
   */
  threads?: number
  /** the js-f64 worker entry (default out/node/f64ThreadWorker.mjs) */
  workerScript?: string
}

/**
 * Picks and builds the training engine for a backend choice (ARCHITECTURE.md, Engines).
 * - "js-f64": the float64 engine (src/shared/network/gradientDescentF64.ts and f64Kernel.ts) on
 *   options.threads threads (threadedF64Engine.ts; 1 = in the calling thread).
 * - "tfjs-node-gpu" | "tfjs-node" | "wasm" | "cpu": that tfjs backend, or a BackendUnavailableError
 *   saying why it is unavailable and how to get it.
 * - "auto": tfjs-node-gpu when it loads, else js-f64 for every activation. On the CPU js-f64 is
 *   the fastest engine measured here, and it runs in float64: `npm run bench` on the 2-core
 *   development machine (rough: shared and loaded), N = 1000, m = 10^4, scales 1,2,4,8, sine, a
 *   and w trained, ms per step: js-f64 81 (grid) and 201 (random samples) on 1 thread, tfjs wasm
 *   2740 and 1555, tfjs cpu 4249 and 2432, PyTorch CPU (2 threads, float32) 299 and 350 in the
 *   same run. tfjs-node-gpu is kept
 *   first because a GPU can beat a 2-core CPU at these sizes (not measurable here: it does not
 *   install on this machine); where it does not load, js-f64 is used.
 * The attempts (each backend tried, and why it was not used) go to the UI and run.json.
 */
export async function createTrainingEngine(
  choice: BackendChoice,
  problem: TrainingProblem,
  network: NetworkSpec,
  params: NetworkParameters,
  options: EngineOptions = {},
): Promise<{ engine: TrainingEngine; attempts: BackendAttempt[] }> {
  const f64 = () => createThreadedF64Trainer(problem, network, params, { threads: options.threads ?? 1, workerScript: options.workerScript })
  if (choice === 'js-f64') {
    return { engine: await f64(), attempts: [{ backend: 'js-f64', ok: true }] }
  }
  if (choice !== 'auto') {
    const loaded = await loadTfjsBackend(choice)
    return { engine: await createTfjsTrainer(loaded.tf, loaded.backend, problem, network, params), attempts: loaded.attempts }
  }
  try {
    const loaded = await loadTfjsBackend('tfjs-node-gpu')
    return { engine: await createTfjsTrainer(loaded.tf, loaded.backend, problem, network, params), attempts: loaded.attempts }
  } catch (error) {
    // The short load failure (e.g. the package is not installed), not the how-to-install advice.
    const reason = error instanceof BackendUnavailableError ? error.attempts[0]?.reason : error instanceof Error ? error.message : String(error)
    const attempts: BackendAttempt[] = [
      { backend: 'tfjs-node-gpu', ok: false, reason },
      { backend: 'js-f64', ok: true },
    ]
    return { engine: await f64(), attempts }
  }
}
