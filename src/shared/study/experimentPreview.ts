import type { ExperimentPreview } from '../api/workbenchApi'
import type { Experiment } from '../project/experimentTypes'
import { diffusionCoefficients } from '../spectral/diffusionCoefficients'
import { createSpectrumTransform } from '../spectral/fourierTransform'
import { frequenciesAlongRay, uniformFrequencyGrid } from '../spectral/frequencyGrid'
import { ntkOfSamples, NTK_LIMITS } from '../spectral/ntkOfSamples'
import { AUTO_LEARNING_RATE_FACTOR } from './learningRate'
import type { SampleSet } from './samplePoints'
import { spectralSetupOf } from './spectralSetupOf'

/**
 * Everything the editor shows before training (spec sections 3-4): the target's spectrum on the
 * analysis grid (in 2-D along the ray xi = (r, 0)), the diffusion coefficients, lambda_max of
 * K Q with the stable and "auto" learning rates, and the steps the experiment would take.
 */
export function experimentPreview(experiment: Experiment, samples: SampleSet, target: Float64Array): ExperimentPreview {
  const { dim } = experiment.domain
  const radii = uniformFrequencyGrid(experiment.analysis.xiMax, experiment.analysis.xiPoints)
  const xi = frequenciesAlongRay(radii, dim)
  const P = new Float64Array(radii.length)
  const Q = new Float64Array(radii.length)
  createSpectrumTransform(samples.points, samples.weights, xi, dim).apply(target, P, Q)
  const preview: ExperimentPreview = { points: samples.points, target, xi: radii, targetSpectrum: { P, Q }, notes: [] }
  const { network, training } = experiment
  if (network.activation !== 'sin') {
    preview.notes.push(`activation "${network.activation}" has no spectral model: no coefficients, no lambda_max; set an explicit learning rate`)
    if (training.learningRate !== 'auto') preview.steps = Math.max(1, Math.round(training.time / training.learningRate))
    return preview
  }
  const setup = spectralSetupOf(network, dim)
  preview.coefficients = diffusionCoefficients(setup, xi)
  // the low-rank kernel factor of the run itself (well under a second for N = 10^4); a kernel too
  // rough for it gets lambda_max when the run starts
  const { lambdaMax, note } = ntkOfSamples(setup, samples.points, samples.weights, NTK_LIMITS, { lanczosFallback: false })
  if (!(lambdaMax > 0)) {
    preview.notes.push(`lambda_max is computed when the run starts (${note ?? 'no estimate'})`)
  } else {
    preview.lambdaMax = lambdaMax
    preview.largestStableLearningRate = 2 / lambdaMax
    preview.autoLearningRate = AUTO_LEARNING_RATE_FACTOR * (2 / lambdaMax)
    const eta = training.learningRate === 'auto' ? preview.autoLearningRate : training.learningRate
    preview.steps = Math.max(1, Math.round(training.time / eta))
    if (training.learningRate !== 'auto' && training.learningRate >= preview.largestStableLearningRate) {
      preview.notes.push(`learning rate ${training.learningRate} is above the stability limit 2 / lambda_max = ${preview.largestStableLearningRate.toPrecision(3)}: the run would be refused`)
    }
  }
  return preview
}
