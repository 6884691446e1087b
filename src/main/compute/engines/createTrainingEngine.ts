import type { BackendChoice, NetworkSpec } from '../../../shared/project/experimentTypes'
import { createF64Trainer } from '../../../shared/network/gradientDescentF64'
import type { NetworkParameters } from '../../../shared/network/initialParameters'
import type { BackendAttempt, TrainingEngine, TrainingProblem } from '../../../shared/network/trainingEngine'
import { BackendUnavailableError, loadTfjsBackend } from './tfjsBackends'
import { createTfjsTrainer } from './tfjsEngine'

/**
 * Picks and builds the training engine for a backend choice (ARCHITECTURE.md, Engines).
 * - "js-f64": the float64 engine of src/shared (gradientDescentF64.ts).
 * - "tfjs-node-gpu" | "tfjs-node" | "wasm" | "cpu": that tfjs backend, or a BackendUnavailableError
 *   saying why it is unavailable and how to get it.
 * - "auto": tfjs-node-gpu when it loads, else js-f64 for every activation: on the CPU, js-f64 is
 *   the fastest engine measured here and it runs in float64 (N = 401, m = 1000, sine, a and w
 *   trained, ms per step: js-f64 1.8-3 on the grid and 8 on random samples, tfjs wasm 17-31,
 *   tfjs cpu 85-99; see gradientDescentF64.ts).
 * The attempts (each backend tried, and why it was not used) go to the UI and run.json.
 */
export async function createTrainingEngine(
  choice: BackendChoice,
  problem: TrainingProblem,
  network: NetworkSpec,
  params: NetworkParameters,
): Promise<{ engine: TrainingEngine; attempts: BackendAttempt[] }> {
  if (choice === 'js-f64') {
    return { engine: createF64Trainer(problem, network, params), attempts: [{ backend: 'js-f64', ok: true }] }
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
    return { engine: createF64Trainer(problem, network, params), attempts }
  }
}
