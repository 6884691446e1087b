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
 * Returns the total step count, the steps of the requested snapshot times (rounded to the nearest
 * step, always with 0 and the total) and all snapshot steps: those plus `timeGrid` evenly spaced
 * ones for heatmaps and decay curves; sorted and unique.
 */
export function snapshotSchedule(time: number, snapshots: number[], learningRate: number, timeGrid = 0): { totalSteps: number; requestedSteps: number[]; snapshotSteps: number[] } {
  const totalSteps = Math.max(1, Math.round(time / learningRate))
  const sorted = (steps: Set<number>) => [...steps].sort((p, q) => p - q)
  const requested = new Set<number>([0, totalSteps])
  for (const t of snapshots) requested.add(Math.min(totalSteps, Math.max(0, Math.round(t / learningRate))))
  const all = new Set(requested)
  for (let k = 1; k < timeGrid; k++) all.add(Math.round((k * totalSteps) / timeGrid))
  return { totalSteps, requestedSteps: sorted(requested), snapshotSteps: sorted(all) }
}
