// Worker-thread entry computing experiment previews for the analysis service (bundled to
// out/node/previewWorker.mjs): the kernel and lambda_max are too heavy for the main thread.
import { parentPort } from 'node:worker_threads'
import { experimentPreview } from '../../shared/study/experimentPreview'
import { samplePoints } from '../../shared/study/samplePoints'
import { evaluateTarget, RunError } from '../runs/targetValues'
import type { PreviewWorkerMessage, PreviewWorkerRequest } from './previewWorkerProtocol'

if (!parentPort) throw new Error('previewWorker must be started as a worker thread')
const port = parentPort

port.on('message', async ({ id, experiment, projectDir }: PreviewWorkerRequest) => {
  let message: PreviewWorkerMessage
  try {
    const samples = samplePoints(experiment.domain)
    const target = await evaluateTarget(experiment, samples, projectDir ?? '.')
    message = { id, ok: true, preview: experimentPreview(experiment, samples, target) }
  } catch (error) {
    message = { id, ok: false, message: error instanceof RunError ? error.message : `cannot preview: ${(error as Error).message}` }
  }
  port.postMessage(message)
})
