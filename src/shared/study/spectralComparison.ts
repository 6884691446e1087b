import type { SpectralModelName } from '../project/experimentTypes'
import type { DiffusionCoefficients } from '../spectral/diffusionCoefficients'
import { createDiffusionSolver1d } from '../spectral/diffusionSolver1d'
import type { SpectrumTransform } from '../spectral/fourierTransform'
import type { NtkPrediction } from '../spectral/ntkPrediction'
import { bandNorm, relativeBandError } from '../spectral/spectralAgreement'

/** A part (P or Q) whose band norm is below this fraction of the initial error's has no rel of its own. */
const NEGLIGIBLE_PART = 1e-9

/** Spectra of one source (training, or a model) at every snapshot: rows = snapshots, columns = xi. */
export interface SnapshotSpectra {
  P: Float64Array
  Q: Float64Array
}

export interface SnapshotMetrics {
  /** model time t = step * eta */
  t: number
  step: number
  /** ||Q_train(t)|| on [0, band] (spec section 6) */
  errorNorm: number
  /** ||P_train(t)|| on [0, band]; P only moves when the network has a bias */
  errorNormP: number
  /** ||Q_train(t)|| on the upper half [band/2, band]: where spectral bias shows */
  highBandErrorNorm: number
  /** rel(t) of each model against training: Q alone without bias, (P, Q) together with bias */
  rel: Partial<Record<SpectralModelName, number>>
  relQ: Partial<Record<SpectralModelName, number>>
  /** absent where P is zero up to rounding (an odd error) */
  relP: Partial<Record<SpectralModelName, number>>
}

export interface SpectralComparison {
  training: SnapshotSpectra
  models: Partial<Record<SpectralModelName, SnapshotSpectra>>
  /** the error (network output minus target) at the samples predicted by the NTK, rows = snapshots */
  ntkError?: Float64Array
  metrics: SnapshotMetrics[]
}

export interface SpectralComparisonInput {
  xi: Float64Array
  band: number
  /** P moves only with a bias: then rel covers both parts */
  bias: boolean
  learningRate: number
  snapshotSteps: number[]
  /** u(x_i, t_s) = f - g at the samples, rows = snapshots (N each) */
  trainingError: Float64Array
  transform: SpectrumTransform
  coefficients?: DiffusionCoefficients
  ntk?: NtkPrediction
}

/** Planned comparison: the models are known for every snapshot before training starts. */
export interface SpectralComparisonPlan {
  xi: Float64Array
  band: number
  /** P moves only with a bias: then rel covers both parts */
  bias: boolean
  learningRate: number
  snapshotSteps: number[]
  /** u(x_i, 0) = f - g at the samples before training (N values) */
  initialError: Float64Array
  transform: SpectrumTransform
  coefficients?: DiffusionCoefficients
  ntk?: NtkPrediction
}

/**
 * A comparison built as training goes (spec sections 3-6): at construction the diffusion model
 * (started from the transform of the actual initial error) and the NTK prediction (discrete
 * gradient descent (I - eta K Q)^n, so that it models the very steps taken) at every planned
 * snapshot; then each training snapshot adds its error spectra and metrics.
 */
export interface IncrementalComparison {
  readonly models: Partial<Record<SpectralModelName, SnapshotSpectra>>
  /** the NTK prediction of u at the samples, rows = planned snapshots (N each) */
  readonly ntkError?: Float64Array
  /** adds training snapshot `index` (its error u = f - g at the samples) and returns its metrics */
  addTrainingSnapshot(index: number, error: Float64Array): SnapshotMetrics
  /** the training spectra of an added snapshot (views; copy them to keep them) */
  trainingSpectra(index: number): { P: Float64Array; Q: Float64Array }
  /** spectra and metrics of the snapshots added so far, in order */
  result(): SpectralComparison
}

export function createSpectralComparison(plan: SpectralComparisonPlan): IncrementalComparison {
  const { xi, band, learningRate, snapshotSteps, transform } = plan
  const frequencyCount = xi.length
  const sampleCount = transform.pointCount
  const snapshotCount = snapshotSteps.length
  const rowOf = (values: Float64Array, s: number) => values.subarray(s * frequencyCount, (s + 1) * frequencyCount)
  const models: SpectralComparison['models'] = {}
  let ntkError: Float64Array | undefined

  const initialP = new Float64Array(frequencyCount)
  const initialQ = new Float64Array(frequencyCount)
  transform.apply(plan.initialError, initialP, initialQ)
  if (plan.coefficients) {
    const { Rre, Rim, Dre, Dim } = plan.coefficients
    const real = createDiffusionSolver1d({ xi, diffusion: Dre, reaction: Rre, originCondition: 'neumann' })
    const imaginary = createDiffusionSolver1d({ xi, diffusion: Dim, reaction: Rim, originCondition: 'dirichlet' })
    const P = new Float64Array(snapshotCount * frequencyCount)
    const Q = new Float64Array(snapshotCount * frequencyCount)
    snapshotSteps.forEach((step, s) => {
      real.evolve(initialP, step * learningRate, rowOf(P, s))
      imaginary.evolve(initialQ, step * learningRate, rowOf(Q, s))
    })
    models.diffusion = { P, Q }
  }
  if (plan.ntk) {
    const ntk = plan.ntk
    const predicted = new Float64Array(snapshotCount * sampleCount)
    const P = new Float64Array(snapshotCount * frequencyCount)
    const Q = new Float64Array(snapshotCount * frequencyCount)
    snapshotSteps.forEach((step, s) => {
      const row = predicted.subarray(s * sampleCount, (s + 1) * sampleCount)
      ntk.gradientDescent(plan.initialError, learningRate, step, row)
      transform.apply(row, rowOf(P, s), rowOf(Q, s))
    })
    ntkError = predicted
    models.ntk = { P, Q }
  }

  const training = { P: new Float64Array(snapshotCount * frequencyCount), Q: new Float64Array(snapshotCount * frequencyCount) }
  const initialNorm = Math.hypot(bandNorm(initialP, xi, band), bandNorm(initialQ, xi, band))
  const metrics: SnapshotMetrics[] = []
  let added = 0

  return {
    models,
    ntkError,
    addTrainingSnapshot(index, error) {
      if (index !== added) throw new Error(`training snapshots must come in order: expected ${added}, got ${index}`)
      const Ps = rowOf(training.P, index)
      const Qs = rowOf(training.Q, index)
      transform.apply(error, Ps, Qs)
      const rel: SnapshotMetrics['rel'] = {}
      const relQ: SnapshotMetrics['relQ'] = {}
      const relP: SnapshotMetrics['relP'] = {}
      // P is identically zero (up to rounding) for an odd error: a ratio of rounding noise says nothing.
      const hasP = bandNorm(Ps, xi, band) > NEGLIGIBLE_PART * initialNorm
      for (const [name, spectra] of Object.entries(models) as [SpectralModelName, SnapshotSpectra][]) {
        relQ[name] = relativeBandError(rowOf(spectra.Q, index), Qs, xi, band)
        if (hasP) relP[name] = relativeBandError(rowOf(spectra.P, index), Ps, xi, band)
        rel[name] = plan.bias ? combinedRelativeError(rowOf(spectra.P, index), rowOf(spectra.Q, index), Ps, Qs, xi, band) : relQ[name]
      }
      const entry: SnapshotMetrics = {
        t: snapshotSteps[index] * learningRate,
        step: snapshotSteps[index],
        errorNorm: bandNorm(Qs, xi, band),
        errorNormP: bandNorm(Ps, xi, band),
        highBandErrorNorm: upperBandNorm(Qs, xi, band),
        rel,
        relQ,
        relP,
      }
      metrics.push(entry)
      added++
      return entry
    },
    trainingSpectra(index) {
      return { P: rowOf(training.P, index), Q: rowOf(training.Q, index) }
    },
    result() {
      const cut = (values: Float64Array) => values.slice(0, added * frequencyCount)
      const cutModels: SpectralComparison['models'] = {}
      for (const [name, spectra] of Object.entries(models) as [SpectralModelName, SnapshotSpectra][]) {
        cutModels[name] = { P: cut(spectra.P), Q: cut(spectra.Q) }
      }
      return {
        training: { P: cut(training.P), Q: cut(training.Q) },
        models: cutModels,
        ntkError: ntkError?.slice(0, added * sampleCount),
        metrics: [...metrics],
      }
    },
  }
}

/** The whole comparison at once, for training errors already collected (rows = snapshots). */
export function compareSpectra(input: SpectralComparisonInput): SpectralComparison {
  const sampleCount = input.transform.pointCount
  const comparison = createSpectralComparison({ ...input, initialError: input.trainingError.subarray(0, sampleCount) })
  input.snapshotSteps.forEach((_, s) => comparison.addTrainingSnapshot(s, input.trainingError.subarray(s * sampleCount, (s + 1) * sampleCount)))
  return comparison.result()
}

/** ||(P, Q)_model - (P, Q)_train|| / ||(P, Q)_train|| on the band. */
function combinedRelativeError(modelP: Float64Array, modelQ: Float64Array, P: Float64Array, Q: Float64Array, xi: Float64Array, band: number): number {
  const differenceP = modelP.map((value, k) => value - P[k])
  const differenceQ = modelQ.map((value, k) => value - Q[k])
  const numerator = Math.hypot(bandNorm(differenceP, xi, band), bandNorm(differenceQ, xi, band))
  return numerator / Math.hypot(bandNorm(P, xi, band), bandNorm(Q, xi, band))
}

/** Norm of Q on [band/2, band]: the band norm of Q masked to the upper half of the band. */
function upperBandNorm(Q: Float64Array, xi: Float64Array, band: number): number {
  const masked = Q.map((value, k) => (xi[k] >= band / 2 ? value : 0))
  return bandNorm(masked, xi, band)
}
