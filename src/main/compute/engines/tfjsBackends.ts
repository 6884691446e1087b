import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { TrainingBackend } from '../../../shared/project/experimentTypes'
import type { BackendAttempt } from '../../../shared/network/trainingEngine'

/**
 * Loads the best available TensorFlow.js backend (ARCHITECTURE.md, Engines), in the order
 * tfjs-node-gpu (libtensorflow with CUDA), tfjs-node (libtensorflow on the CPU), wasm, cpu.
 *
 * tfjs-node and tfjs-node-gpu are optionalDependencies: their install downloads libtensorflow and
 * fails where that is blocked, so their import may fail; the failure is caught and recorded as the
 * attempt's reason. Each backend that loads is checked by computing sin(0.5) on it. Both native
 * packages register the backend "tensorflow" in the one tfjs engine of the process (so where both
 * are installed, whichever loads first serves both names in that process), and
 * tfjs-node(-gpu) must live in a single thread of the process (ARCHITECTURE.md, Process model).
 */

export type TfjsModule = typeof import('@tensorflow/tfjs')
export type TfjsBackend = Extract<TrainingBackend, 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu'>

/** The tfjs backends in the order "auto" tries them. */
export const TFJS_BACKEND_ORDER: readonly TfjsBackend[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']

export interface LoadedTfjsBackend {
  tf: TfjsModule
  backend: TfjsBackend
  /** every backend tried, in order, with the reason of each failure */
  attempts: BackendAttempt[]
}

/** What a user needs to make each backend available, appended to the refusal of an explicit request. */
const HOW_TO_GET: Record<TfjsBackend, string> = {
  'tfjs-node-gpu':
    'tfjs-node-gpu needs Linux x64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1, and the optional package ' +
    'installed: `npm install @tensorflow/tfjs-node-gpu` (its install script downloads libtensorflow with GPU support, ' +
    'so it needs network access to storage.googleapis.com).',
  'tfjs-node':
    'tfjs-node needs the optional package installed: `npm install @tensorflow/tfjs-node` (its install script ' +
    'downloads libtensorflow, so it needs network access to storage.googleapis.com).',
  wasm:
    'wasm needs the package @tensorflow/tfjs-backend-wasm (a regular dependency: run `npm install`) with its ' +
    '.wasm files in node_modules/@tensorflow/tfjs-backend-wasm/dist/.',
  cpu: 'cpu is part of @tensorflow/tfjs (run `npm install`).',
}

/** Native package of each libtensorflow backend; kept in variables so bundlers leave the imports dynamic. */
const NATIVE_PACKAGE: Record<'tfjs-node-gpu' | 'tfjs-node', string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
}

/** Name under which a backend registers itself in the tfjs engine. */
const REGISTERED_NAME: Record<TfjsBackend, string> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
}

/**
 * Loads and activates a tfjs backend.
 * @param preferred "auto" tries TFJS_BACKEND_ORDER and returns the first that works (cpu always
 *   does); a named backend is loaded or refused with an Error that says why and how to get it.
 */
export async function loadTfjsBackend(preferred: 'auto' | TfjsBackend): Promise<LoadedTfjsBackend> {
  const tf = await import('@tensorflow/tfjs')
  const candidates = preferred === 'auto' ? TFJS_BACKEND_ORDER : [preferred]
  const attempts: BackendAttempt[] = []
  for (const backend of candidates) {
    try {
      await activate(tf, backend)
      attempts.push({ backend, ok: true })
      return { tf, backend, attempts }
    } catch (error) {
      attempts.push({ backend, ok: false, reason: errorMessage(error) })
    }
  }
  const last = attempts[attempts.length - 1]
  if (preferred !== 'auto') {
    throw new BackendUnavailableError(
      `The training backend "${preferred}" is not available here: ${last.reason}. ${HOW_TO_GET[preferred]} ` +
        'Choose backend "auto" (or "js-f64") to train without it.',
      attempts,
    )
  }
  throw new BackendUnavailableError(`No TensorFlow.js backend could be loaded: ${attempts.map((t) => `${t.backend}: ${t.reason}`).join('; ')}`, attempts)
}

/** A refused backend request; `attempts` lists what was tried and why it failed. */
export class BackendUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: BackendAttempt[],
  ) {
    super(message)
    this.name = 'BackendUnavailableError'
  }
}

async function activate(tf: TfjsModule, backend: TfjsBackend): Promise<void> {
  if (backend === 'tfjs-node-gpu' || backend === 'tfjs-node') {
    try {
      await import(/* @vite-ignore */ NATIVE_PACKAGE[backend])
    } catch (error) {
      throw new Error(`cannot load ${NATIVE_PACKAGE[backend]} (${firstLine(errorMessage(error))})`)
    }
  } else if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    try {
      wasm.setWasmPaths(wasmDirectory())
    } catch (error) {
      // setWasmPaths refuses only after a failed initialisation; report that failure instead.
      throw new Error(`the wasm backend failed to initialise earlier in this process (${errorMessage(error)})`)
    }
  }
  const name = REGISTERED_NAME[backend]
  if (!tf.findBackendFactory(name)) throw new Error(`the package loaded but registered no "${name}" backend`)
  const ok = await tf.setBackend(name)
  if (!ok) throw new Error(`tf.setBackend("${name}") failed to initialise the backend`)
  await tf.ready()
  if (backend === 'tfjs-node-gpu') checkUsesGpu(tf)
  checkComputes(tf, backend)
}

/**
 * tfjs-node's backend reports whether it is the GPU build (isGPUPackage) and whether TensorFlow
 * found a CUDA device (isUsingGpuDevice); without one, libtensorflow silently runs on the CPU, and
 * "tfjs-node-gpu" would be a misleading name for what runs.
 */
function checkUsesGpu(tf: TfjsModule): void {
  const native = tf.backend() as { isGPUPackage?: boolean; isUsingGpuDevice?: boolean }
  if (native.isGPUPackage === false) throw new Error('the "tensorflow" backend of this process is the CPU build of libtensorflow (@tensorflow/tfjs-node was loaded first)')
  if (native.isUsingGpuDevice === false) throw new Error('@tensorflow/tfjs-node-gpu loaded, but TensorFlow found no usable CUDA GPU (check the driver, CUDA 11.2 and cuDNN 8.1 libraries on the library path)')
}

/** Runs sin(0.5) on the active backend: a backend that initialises but cannot compute is refused. */
function checkComputes(tf: TfjsModule, backend: TfjsBackend): void {
  const value = tf.tidy(() => tf.sin(tf.tensor1d([0.5], 'float32')).dataSync()[0])
  // float32 rounding of sin(0.5) = 0.4794255386 is below 1e-7; 1e-5 only rules out garbage.
  if (!(Math.abs(value - Math.sin(0.5)) < 1e-5)) throw new Error(`the ${backend} backend computed sin(0.5) = ${value}`)
}

/** Directory of the .wasm binaries, with a trailing slash as setWasmPaths expects of a prefix. */
function wasmDirectory(): string {
  const require = createRequire(import.meta.url)
  const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json')
  return join(dirname(packageJson), 'dist') + '/'
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]
  return line.length > 300 ? `${line.slice(0, 300)}...` : line
}
