import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { ServiceError } from '../../shared/api/serviceContract'
import type { AnalysisServiceImpl, ExperimentPreview } from '../../shared/api/workbenchApi'
import { validateExperiment } from '../../shared/project/projectSchema'
import { diffusionCoefficients } from '../../shared/spectral/diffusionCoefficients'
import { frequenciesAlongRay } from '../../shared/spectral/frequencyGrid'
import type { PreviewWorkerMessage, PreviewWorkerRequest } from '../compute/previewWorkerProtocol'
import { findPackageRoot } from '../runs/packageRoot'
import type { PathPolicy } from './pathPolicy'

export interface AnalysisServiceOptions {
  paths: PathPolicy
  /** the bundled preview worker; default out/node/previewWorker.mjs in the package folder */
  previewWorkerScript?: string
}

/**
 * Coefficients (cheap, computed in place) and experiment previews (kernel and lambda_max, computed
 * in a worker thread). Previews come one at a time: a request waiting behind a running one is
 * superseded by a newer request, since the editor only wants the latest.
 */
export function createAnalysisService(options: AnalysisServiceOptions): AnalysisServiceImpl & { dispose(): Promise<void> } {
  let worker: Worker | undefined
  let nextId = 1
  const inFlight = new Map<number, { resolve(p: ExperimentPreview): void; reject(e: Error): void }>()
  let waiting: { request: PreviewWorkerRequest; resolve(p: ExperimentPreview): void; reject(e: Error): void } | undefined
  let busy = false

  const ensureWorker = () => {
    if (worker) return worker
    const started = new Worker(options.previewWorkerScript ?? join(findPackageRoot(), 'out/node/previewWorker.mjs'))
    started.on('message', (message: PreviewWorkerMessage) => {
      const pending = inFlight.get(message.id)
      inFlight.delete(message.id)
      if (message.ok) pending?.resolve(message.preview)
      else pending?.reject(new ServiceError('preview-failed', message.message))
      busy = false
      pump()
    })
    started.on('error', (error) => {
      for (const pending of inFlight.values()) pending.reject(new ServiceError('preview-failed', `the preview worker crashed: ${error.message}`))
      inFlight.clear()
      worker = undefined
      busy = false
      pump()
    })
    worker = started
    return started
  }
  const pump = () => {
    if (busy || !waiting) return
    const next = waiting
    waiting = undefined
    busy = true
    inFlight.set(next.request.id, next)
    ensureWorker().postMessage(next.request)
  }

  return {
    async coefficients({ setup, xi }) {
      const c = diffusionCoefficients(setup, frequenciesAlongRay(xi, setup.dim))
      return { xi: [...xi], Rre: Array.from(c.Rre), Rim: Array.from(c.Rim), Dre: Array.from(c.Dre), Dim: Array.from(c.Dim) }
    },

    preview({ experiment, projectDir }) {
      const checked = validateExperiment(experiment, '$')
      if (!checked.experiment || checked.problems.length > 0) {
        return Promise.reject(new ServiceError('invalid-experiment', `the experiment has ${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'}`, { problems: checked.problems }))
      }
      const request: PreviewWorkerRequest = {
        id: nextId++,
        experiment: checked.experiment,
        projectDir: projectDir === undefined ? options.paths.workspaceRoot : options.paths.resolve(projectDir, 'the project folder'),
      }
      return new Promise<ExperimentPreview>((resolve, reject) => {
        waiting?.reject(new ServiceError('superseded', 'a newer preview was asked for'))
        waiting = { request, resolve, reject }
        pump()
      })
    },

    async dispose() {
      await worker?.terminate()
      worker = undefined
    },
  }
}
