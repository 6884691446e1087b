// Worker-thread entry of the multi-threaded js-f64 engine (threadedF64Engine.ts), bundled to
// out/node/f64ThreadWorker.mjs (scripts/buildNode.mjs). It waits for commands in the shared
// control block and runs its share of each (f64ThreadProtocol.ts); it never uses messages after
// the first 'ready'.
import { parentPort, workerData } from 'node:worker_threads'
import { F64Kernel, kernelArrays } from '../../../shared/network/f64Kernel'
import { COMMAND, CONTROL, CONTROL_ETA, markFailed, runCommand, type F64WorkerData } from './f64ThreadProtocol'

if (!parentPort) throw new Error('f64ThreadWorker must be started as a worker thread')
const data = workerData as F64WorkerData
const control = new Int32Array(data.control)
const eta = new Float64Array(data.control)
const kernel = new F64Kernel(data.shape, kernelArrays(data.shape, data.state))
parentPort.postMessage('ready')

let seen = 0
for (;;) {
  while (Atomics.load(control, CONTROL.generation) === seen) Atomics.wait(control, CONTROL.generation, seen)
  seen = Atomics.load(control, CONTROL.generation)
  if (Atomics.load(control, CONTROL.type) === COMMAND.exit || Atomics.load(control, CONTROL.failed) !== 0) break
  try {
    runCommand(kernel, data.shape, control, eta[CONTROL_ETA], data.rank, data.participants)
  } catch (error) {
    markFailed(control)
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) })
    break
  }
}
parentPort.close()
