import type { TrainingSpec } from '../project/experimentTypes'

/** "auto" picks this fraction of the stability limit 2 / lambda_max, i.e. eta = 0.5 / lambda_max. */
export const AUTO_LEARNING_RATE_FACTOR = 0.25

export type LearningRateChoice =
  | { ok: true; learningRate: number; auto: boolean; largestStable: number }
  | { ok: false; message: string; largestStable: number }

/**
 * The learning rate of a run (spec section 3): gradient descent on the NTK operator K Q is stable
 * for eta < 2 / lambda_max. "auto" gives 0.5 / lambda_max; an explicit rate at or above the limit
 * is refused with the largest stable rate in the message.
 */
export function chooseLearningRate(training: TrainingSpec, lambdaMax: number): LearningRateChoice {
  const largestStable = 2 / lambdaMax
  if (training.learningRate === 'auto') {
    return { ok: true, learningRate: AUTO_LEARNING_RATE_FACTOR * largestStable, auto: true, largestStable }
  }
  if (training.learningRate >= largestStable) {
    return {
      ok: false,
      largestStable,
      message:
        `learning rate ${training.learningRate} is not stable: lambda_max of the NTK operator is ` +
        `${lambdaMax.toPrecision(4)}, so gradient descent needs eta < 2 / lambda_max = ${largestStable.toPrecision(4)}; ` +
        `use at most ${largestStable.toPrecision(3)} (or "auto" = ${(0.5 / lambdaMax).toPrecision(3)}).`,
    }
  }
  return { ok: true, learningRate: training.learningRate, auto: false, largestStable }
}

/**
 * Gradient-descent steps for model times (spec section 2: t = n * eta).
 * Returns the total step count and the step of each snapshot time (rounded to the nearest step),
 * deduplicated and sorted, always including 0 and the total.
 */
export function snapshotSchedule(time: number, snapshots: number[], learningRate: number): { totalSteps: number; snapshotSteps: number[] } {
  const totalSteps = Math.max(1, Math.round(time / learningRate))
  const steps = new Set<number>([0, totalSteps])
  for (const t of snapshots) steps.add(Math.min(totalSteps, Math.max(0, Math.round(t / learningRate))))
  return { totalSteps, snapshotSteps: [...steps].sort((p, q) => p - q) }
}
