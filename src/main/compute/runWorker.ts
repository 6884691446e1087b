// Worker-thread entry that executes runs, one at a time, for the run service. Bundled to
// out/node/runWorker.mjs (scripts/buildNode.mjs); the main thread never trains or solves.
import { parentPort } from 'node:worker_threads'
import { executeRun } from '../runs/executeRun'
import type { RunWorkerCommand, RunWorkerMessage } from './runWorkerProtocol'

if (!parentPort) throw new Error('runWorker must be started as a worker thread')
const port = parentPort

port.on('message', async (command: RunWorkerCommand) => {
  if (command.type !== 'run') return
  const runId = command.request.record.runId
  const cancelled = new Int32Array(command.cancelFlag)
  const post = (message: RunWorkerMessage) => port.postMessage(message)
  const record = await executeRun(command.request, {
    onProgress: (progress) => post({ type: 'progress', runId, progress }),
    onPrepared: (prepared) => post({ type: 'prepared', runId, prepared }),
    onSnapshot: (snapshot) => post({ type: 'snapshot', runId, snapshot }),
    isCancelled: () => Atomics.load(cancelled, 0) === 1,
  })
  post({ type: 'finished', runId, record })
})
