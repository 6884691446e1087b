import { createRequire } from 'node:module'
import type { BackendReport } from '../../shared/api/workbenchApi'
import type { TrainingBackend } from '../../shared/project/experimentTypes'

/** Whether an optional package resolves from this installation (without loading it). */
export function isPackageInstalled(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name)
    return true
  } catch {
    return false
  }
}

const NATIVE_NOTES: Record<'tfjs-node-gpu' | 'tfjs-node', { installed: string; missing: string }> = {
  'tfjs-node-gpu': {
    installed: 'installed: TensorFlow.js on libtensorflow with CUDA; it needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 libraries, and is tried first by "auto" (a run records whether it loaded)',
    missing: 'not installed: needs Linux x64, an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1, then `npm install @tensorflow/tfjs-node-gpu` (its install downloads libtensorflow)',
  },
  'tfjs-node': {
    installed: 'installed: TensorFlow.js on libtensorflow (CPU)',
    missing: 'not installed: `npm install @tensorflow/tfjs-node` (its install downloads libtensorflow)',
  },
}

/**
 * What "auto" will use for training on this machine and why the others are not used, for the
 * backend chip. Native packages are only resolved here, never loaded: tfjs-node may live in one
 * thread of the process only (ARCHITECTURE.md), and that thread is a run worker.
 */
export function backendReport(): BackendReport {
  const gpu = isPackageInstalled('@tensorflow/tfjs-node-gpu')
  const cpuNative = isPackageInstalled('@tensorflow/tfjs-node')
  const backends: BackendReport['backends'] = [
    { backend: 'tfjs-node-gpu', available: gpu, note: NATIVE_NOTES['tfjs-node-gpu'][gpu ? 'installed' : 'missing'] },
    { backend: 'js-f64', available: true, note: 'built in: the workbench\'s float64 engine for two-layer networks on worker threads (one per free core; identical results for any thread count); the fastest CPU path (see README, Performance)' },
    { backend: 'tfjs-node', available: cpuNative, note: NATIVE_NOTES['tfjs-node'][cpuNative ? 'installed' : 'missing'] },
    { backend: 'wasm', available: true, note: 'built in: TensorFlow.js WebAssembly backend (float32)' },
    { backend: 'cpu', available: true, note: 'built in: TensorFlow.js plain JavaScript backend (float32, slowest)' },
  ]
  const auto: TrainingBackend = gpu ? 'tfjs-node-gpu' : 'js-f64'
  return { auto, backends }
}
