import { chunkRange, neuronRange, type F64Kernel, type F64KernelShape } from '../../../shared/network/f64Kernel'

/**
 * The protocol between the js-f64 engine's calling thread (participant 0) and its worker threads
 * (participants 1..P-1): a small control block in a SharedArrayBuffer, commands published by a
 * generation counter, and a barrier, all with Atomics. One GD step is phase A (each participant
 * its range of sample chunks), a barrier, phase B (each its range of neurons), a barrier: two
 * barriers per step, no messages. See f64Kernel.ts for the phases.
 */

/** Int32 slots of the control block. */
export const CONTROL = {
  /** incremented by participant 0 for every command */
  generation: 0,
  /** the command: STEP, FORWARD or EXIT */
  type: 1,
  /** steps of a STEP command */
  count: 2,
  /** participants that reached the current barrier */
  barrierCount: 3,
  /** incremented when all participants reached the barrier */
  barrierGeneration: 4,
  /** set to 1 by a participant whose work threw: everyone stops */
  failed: 5,
} as const
/** Float64 slot (index in a Float64Array over the control block) of a STEP's learning rate. */
export const CONTROL_ETA = 4
/** Bytes of the control block: 8 int32 slots, then the learning rate. */
export const CONTROL_BYTES = 48

export const COMMAND = { step: 1, forward: 2, exit: 3 } as const

/** What a worker thread receives as workerData. */
export interface F64WorkerData {
  shape: F64KernelShape
  /** the kernel state (f64Kernel.ts kernelArrays layout) */
  state: SharedArrayBuffer
  control: SharedArrayBuffer
  rank: number
  participants: number
}

/** Polls of a barrier before a participant sleeps in Atomics.wait (short: the machine may be shared). */
const SPINS = 2000
/** Longest sleep between checks of the failure flag, ms. */
const WAIT_SLICE_MS = 100

/** Waits until all `participants` have called it (for this barrier generation). */
export function barrier(control: Int32Array, participants: number): void {
  const generation = Atomics.load(control, CONTROL.barrierGeneration)
  if (Atomics.add(control, CONTROL.barrierCount, 1) === participants - 1) {
    Atomics.store(control, CONTROL.barrierCount, 0)
    Atomics.add(control, CONTROL.barrierGeneration, 1)
    Atomics.notify(control, CONTROL.barrierGeneration)
    return
  }
  let spins = 0
  while (Atomics.load(control, CONTROL.barrierGeneration) === generation) {
    if (Atomics.load(control, CONTROL.failed) !== 0) throw new Error('js-f64: a worker thread of the engine failed')
    if (spins++ < SPINS) continue
    Atomics.wait(control, CONTROL.barrierGeneration, generation, WAIT_SLICE_MS)
  }
}

/** Marks the computation failed and wakes everyone waiting at a barrier. */
export function markFailed(control: Int32Array): void {
  Atomics.store(control, CONTROL.failed, 1)
  Atomics.add(control, CONTROL.barrierGeneration, 1)
  Atomics.notify(control, CONTROL.barrierGeneration)
}

/** Participant `rank`'s share of one command; returns after the command's last barrier. */
export function runCommand(kernel: F64Kernel, shape: F64KernelShape, control: Int32Array, eta: number, rank: number, participants: number): void {
  const type = Atomics.load(control, CONTROL.type)
  const [c0, c1] = chunkRange(shape, rank, participants)
  if (type === COMMAND.forward) {
    kernel.forwardChunks(c0, c1, false)
    barrier(control, participants)
    return
  }
  const count = Atomics.load(control, CONTROL.count)
  const [k0, k1] = neuronRange(shape, rank, participants)
  for (let s = 0; s < count; s++) {
    kernel.forwardChunks(c0, c1, true)
    barrier(control, participants)
    kernel.updateNeurons(k0, k1, eta)
    barrier(control, participants)
  }
}
