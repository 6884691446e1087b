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

/**
 * Spectra of the training error at each snapshot, the diffusion model (spec sections 4-5) started
 * from the transform of the actual initial error, and the NTK prediction (spec section 3, discrete
 * gradient descent (I - eta K Q)^n so that it models the very steps taken), with rel(t) and error
 * norms on the band (spec section 6).
 */
export function compareSpectra(input: SpectralComparisonInput): SpectralComparison {
  const { xi, band, learningRate, snapshotSteps, trainingError, transform } = input
  const frequencyCount = xi.length
  const sampleCount = transform.pointCount
  const snapshotCount = snapshotSteps.length
  const spectraOf = (errors: Float64Array): SnapshotSpectra => {
    const P = new Float64Array(snapshotCount * frequencyCount)
    const Q = new Float64Array(snapshotCount * frequencyCount)
    for (let s = 0; s < snapshotCount; s++) {
      transform.apply(
        errors.subarray(s * sampleCount, (s + 1) * sampleCount),
        P.subarray(s * frequencyCount, (s + 1) * frequencyCount),
        Q.subarray(s * frequencyCount, (s + 1) * frequencyCount),
      )
    }
    return { P, Q }
  }
  const training = spectraOf(trainingError)
  const models: SpectralComparison['models'] = {}
  let ntkError: Float64Array | undefined

  if (input.coefficients) {
    const { Rre, Rim, Dre, Dim } = input.coefficients
    const real = createDiffusionSolver1d({ xi, diffusion: Dre, reaction: Rre, originCondition: 'neumann' })
    const imaginary = createDiffusionSolver1d({ xi, diffusion: Dim, reaction: Rim, originCondition: 'dirichlet' })
    const P0 = training.P.subarray(0, frequencyCount)
    const Q0 = training.Q.subarray(0, frequencyCount)
    const P = new Float64Array(snapshotCount * frequencyCount)
    const Q = new Float64Array(snapshotCount * frequencyCount)
    snapshotSteps.forEach((step, s) => {
      const t = step * learningRate
      real.evolve(P0, t, P.subarray(s * frequencyCount, (s + 1) * frequencyCount))
      imaginary.evolve(Q0, t, Q.subarray(s * frequencyCount, (s + 1) * frequencyCount))
    })
    models.diffusion = { P, Q }
  }
  if (input.ntk) {
    const u0 = trainingError.subarray(0, sampleCount)
    ntkError = new Float64Array(snapshotCount * sampleCount)
    snapshotSteps.forEach((step, s) => {
      input.ntk!.gradientDescent(u0, learningRate, step, ntkError!.subarray(s * sampleCount, (s + 1) * sampleCount))
    })
    models.ntk = spectraOf(ntkError)
  }

  const row = (values: Float64Array, s: number) => values.subarray(s * frequencyCount, (s + 1) * frequencyCount)
  const initialNorm = Math.hypot(bandNorm(row(training.P, 0), xi, band), bandNorm(row(training.Q, 0), xi, band))
  const metrics = snapshotSteps.map((step, s): SnapshotMetrics => {
    const Qs = row(training.Q, s)
    const Ps = row(training.P, s)
    const rel: SnapshotMetrics['rel'] = {}
    const relQ: SnapshotMetrics['relQ'] = {}
    const relP: SnapshotMetrics['relP'] = {}
    // P is identically zero (up to rounding) for an odd error: a ratio of rounding noise says nothing.
    const hasP = bandNorm(Ps, xi, band) > NEGLIGIBLE_PART * initialNorm
    for (const [name, spectra] of Object.entries(models) as [SpectralModelName, SnapshotSpectra][]) {
      relQ[name] = relativeBandError(row(spectra.Q, s), Qs, xi, band)
      if (hasP) relP[name] = relativeBandError(row(spectra.P, s), Ps, xi, band)
      rel[name] = input.bias ? combinedRelativeError(row(spectra.P, s), row(spectra.Q, s), Ps, Qs, xi, band) : relQ[name]
    }
    return {
      t: step * learningRate,
      step,
      errorNorm: bandNorm(Qs, xi, band),
      errorNormP: bandNorm(Ps, xi, band),
      highBandErrorNorm: upperBandNorm(Qs, xi, band),
      rel,
      relQ,
      relP,
    }
  })
  return { training, models, ntkError, metrics }
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
