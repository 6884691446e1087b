// The editor's preview: lambda_max from the run's own low-rank kernel factor must equal the dense
// kernel's largest eigenvalue, and stay available (and quick) far above the old 3000-sample limit.
import { describe, expect, it } from 'vitest'
import { validateExperiment } from '../../../src/shared/project/projectSchema'
import { largestEigenvalueOfKernelOperator } from '../../../src/shared/spectral/largestEigenvalue'
import { ntkKernelMatrix } from '../../../src/shared/spectral/ntkKernel'
import { experimentPreview } from '../../../src/shared/study/experimentPreview'
import { AUTO_LEARNING_RATE_FACTOR } from '../../../src/shared/study/learningRate'
import { samplePoints } from '../../../src/shared/study/samplePoints'
import { spectralSetupOf } from '../../../src/shared/study/spectralSetupOf'
import { tinyExperiment } from '../../helpers/tinyProject'

function previewOf(overrides: Record<string, Record<string, unknown>>) {
  const { experiment } = validateExperiment(tinyExperiment('p', overrides), '$')
  if (!experiment) throw new Error('invalid test experiment')
  const samples = samplePoints(experiment.domain)
  const target = new Float64Array(samples.weights.length).map((_, i) => Math.sin(3 * samples.points[i]))
  return { experiment, samples, preview: experimentPreview(experiment, samples, target) }
}

describe('experimentPreview', () => {
  it('gives the dense kernel operator\'s lambda_max and the learning rates it implies', () => {
    for (const network of [{ scales: [1, 2, 4, 8] }, { scales: [1], bias: true }]) {
      const { experiment, samples, preview } = previewOf({ network, domain: { samples: 301, sampling: 'random' } })
      const dense = largestEigenvalueOfKernelOperator(ntkKernelMatrix(spectralSetupOf(experiment.network, 1), samples.points), samples.weights, 1e-12)
      // the factor drops at most 1e-13 of the trace; the power iteration stops at 1e-12 relative
      expect(Math.abs(preview.lambdaMax! - dense) / dense).toBeLessThan(1e-9)
      expect(preview.largestStableLearningRate).toBeCloseTo(2 / preview.lambdaMax!, 12)
      expect(preview.autoLearningRate).toBeCloseTo(AUTO_LEARNING_RATE_FACTOR * 2 / preview.lambdaMax!, 12)
      expect(preview.notes).toEqual([])
    }
  })

  it('still gives lambda_max for 10^4 samples (no N x N kernel)', () => {
    const { preview } = previewOf({ domain: { samples: 10000 } })
    expect(preview.lambdaMax).toBeGreaterThan(0)
    expect(preview.steps).toBeGreaterThan(0)
  })
})
