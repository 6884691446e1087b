import { join } from 'node:path'
import type { BackendChoice, Experiment, SpectralModelName } from '../../shared/project/experimentTypes'
import { compileTargetExpression } from '../../shared/target/targetExpression'
import { samplePoints, type SampleSet } from '../../shared/study/samplePoints'
import { spectralSetupOf } from '../../shared/study/spectralSetupOf'
import { chooseLearningRate, snapshotSchedule } from '../../shared/study/learningRate'
import { compareSpectra } from '../../shared/study/spectralComparison'
import { ntkKernelMatrix } from '../../shared/spectral/ntkKernel'
import { createNtkPrediction, type NtkPrediction } from '../../shared/spectral/ntkPrediction'
import { largestEigenvalueOfKernelOperator } from '../../shared/spectral/largestEigenvalue'
import { diffusionCoefficients } from '../../shared/spectral/diffusionCoefficients'
import { createSpectrumTransform } from '../../shared/spectral/fourierTransform'
import { uniformFrequencyGrid } from '../../shared/spectral/frequencyGrid'
import { initialParameters } from '../../shared/network/initialParameters'
import { runGradientDescent } from '../../shared/network/trainingLoop'
import { createTrainingEngine } from '../compute/engines/createTrainingEngine'
import { loadCsvTarget } from '../project/csvTarget'
import { writeRunArray, writeRunRecord } from '../project/runStore'
import type { RunProgress } from '../../shared/api/workbenchApi'
import type { RunRecord } from '../../shared/study/runRecord'
import { workbenchVersions } from './workbenchVersions'

export interface ExecuteRunRequest {
  projectDir: string
  runDir: string
  record: RunRecord
  backend: BackendChoice
}

export interface ExecuteRunHooks {
  onProgress(progress: Omit<RunProgress, 'runId' | 'experimentId'>): void
  isCancelled(): boolean
}

/** A refusal or failure the user can act on: its message is shown as it is, without a stack. */
export class RunError extends Error {}

const PROGRESS_INTERVAL_MS = 250

/**
 * Runs one experiment end to end and writes its run folder: samples and target, the NTK kernel and
 * lambda_max (learning rate "auto" or a stability check), gradient descent with snapshots, then the
 * spectra of the training error, the diffusion model and the NTK prediction, and rel(t).
 * Runs inside a compute worker (ARCHITECTURE.md, Process model). Returns the final record.
 */
export async function executeRun(request: ExecuteRunRequest, hooks: ExecuteRunHooks): Promise<RunRecord> {
  const { projectDir, runDir } = request
  const record: RunRecord = { ...request.record, status: 'running', startedAt: new Date().toISOString(), versions: await workbenchVersions() }
  const experiment = record.config
  const started = performance.now()
  await writeRunRecord(runDir, record)

  try {
    hooks.onProgress({ phase: 'preparing', step: 0, totalSteps: 0, time: 0, loss: Number.NaN, etaSeconds: Number.NaN })
    if (experiment.domain.dim !== 1) {
      throw new RunError('2-D experiments cannot be trained yet: 2-D training and the 2-D solver are not implemented; 2-D diffusion coefficients are available (mscale coefficients --dim 2).')
    }
    const samples = samplePoints(experiment.domain)
    const target = await evaluateTarget(experiment, samples, projectDir)
    const hasModel = experiment.network.activation === 'sin'
    const models: SpectralModelName[] = hasModel ? experiment.analysis.models : []
    const setup = spectralSetupOf(experiment.network, experiment.domain.dim)
    const kernel = hasModel ? ntkKernelMatrix(setup, samples.points) : undefined
    let ntk: NtkPrediction | undefined
    let lambdaMax = Number.NaN
    if (kernel && models.includes('ntk')) {
      ntk = createNtkPrediction(kernel, samples.weights)
      lambdaMax = ntk.lambdaMax
    } else if (kernel) {
      lambdaMax = largestEigenvalueOfKernelOperator(kernel, samples.weights)
    }
    const learningRate = resolveLearningRate(experiment, lambdaMax)
    record.learningRate = learningRate
    const { totalSteps, snapshotSteps } = snapshotSchedule(experiment.training.time, experiment.training.snapshots, learningRate.value)

    const params = initialParameters(experiment.network, experiment.domain.dim)
    const problem = { dim: experiment.domain.dim, points: samples.points, weights: samples.weights, target, uniformGrid: samples.uniformGrid }
    const { engine, attempts } = await createTrainingEngine(request.backend, problem, experiment.network, params)
    record.backend = { name: engine.backend, precision: engine.precision, attempts }
    record.steps = { total: totalSteps, completed: 0, snapshots: snapshotSteps }
    await writeRunRecord(runDir, record)
    const prepared = performance.now()

    const N = samples.weights.length
    const outputs: Float64Array[] = []
    const reachedSteps: number[] = []
    let training
    try {
      training = await runGradientDescent(engine, {
        learningRate: learningRate.value,
        totalSteps,
        snapshotSteps,
        progressIntervalMs: PROGRESS_INTERVAL_MS,
        now: () => performance.now(),
        onProgress: (p) => hooks.onProgress({ phase: 'training', step: p.step, totalSteps: p.totalSteps, time: p.time, loss: p.loss, etaSeconds: p.etaSeconds }),
        onSnapshot: (s) => {
          outputs.push(Float64Array.from(s.output))
          reachedSteps.push(s.step)
        },
        isCancelled: hooks.isCancelled,
      })
    } finally {
      engine.dispose()
    }
    const trained = performance.now()
    record.steps.completed = training.steps
    record.status = training.status
    if (training.status === 'diverged') {
      const advice = Number.isFinite(learningRate.largestStable)
        ? `the largest stable learning rate of the NTK operator is ${learningRate.largestStable.toPrecision(3)}; try "auto" (${(learningRate.largestStable / 4).toPrecision(3)}) or less`
        : `try a learning rate ten times smaller than ${learningRate.value}`
      record.message = `${training.message ?? 'training diverged'}; ${advice}.`
    } else if (training.status === 'cancelled') {
      record.message = `cancelled at step ${training.steps} of ${totalSteps} (t = ${(training.steps * learningRate.value).toPrecision(4)})`
    }
    await writeRunArray(runDir, 'loss_steps', training.lossCurve.steps, [training.lossCurve.steps.length])
    await writeRunArray(runDir, 'loss', training.lossCurve.loss, [training.lossCurve.loss.length])
    record.arrays.loss_steps = { file: 'loss_steps.npy', shape: [training.lossCurve.steps.length], description: 'gradient-descent step of each loss value (int32)' }
    record.arrays.loss = { file: 'loss.npy', shape: [training.lossCurve.loss.length], description: 'Loss = 1/2 sum_i q_i (f(x_i) - g(x_i))^2 at loss_steps' }

    if (training.status !== 'diverged' && outputs.length > 0) {
      hooks.onProgress({ phase: 'analysing', step: training.steps, totalSteps, time: training.steps * learningRate.value, loss: Number.NaN, etaSeconds: Number.NaN })
      await analyse()
    }
    const finished = performance.now()
    record.timings = {
      prepareSeconds: (prepared - started) / 1000,
      trainSeconds: (trained - prepared) / 1000,
      analysisSeconds: (finished - trained) / 1000,
      totalSeconds: (finished - started) / 1000,
      msPerStep: training.steps > 0 ? (trained - prepared) / training.steps : Number.NaN,
    }
    record.finishedAt = new Date().toISOString()
    await writeRunRecord(runDir, record)
    return record

    async function analyse(): Promise<void> {
      const S = outputs.length
      const error = new Float64Array(S * N)
      outputs.forEach((output, s) => {
        for (let i = 0; i < N; i++) error[s * N + i] = output[i] - target[i]
      })
      const xi = uniformFrequencyGrid(experiment.analysis.xiMax, experiment.analysis.xiPoints)
      const transform = createSpectrumTransform(samples.points, samples.weights, xi, experiment.domain.dim)
      const coefficients = models.includes('diffusion') ? diffusionCoefficients(setup, xi) : undefined
      const comparison = compareSpectra({
        xi, band: experiment.analysis.band, bias: experiment.network.bias, learningRate: learningRate.value,
        snapshotSteps: reachedSteps, trainingError: error, transform, coefficients, ntk,
      })
      const losses = outputs.map((output) => quadratureLoss(output, target, samples.weights))
      record.metrics = {
        initialLoss: losses[0],
        finalLoss: losses[losses.length - 1],
        snapshots: comparison.metrics,
      }
      const F = xi.length
      const arrays: [string, Float64Array, number[], string][] = [
        ['xi', xi, [F], 'frequency grid (cycles per unit length)'],
        ['snapshot_times', Float64Array.from(reachedSteps, (n) => n * learningRate.value), [S], 'model time t = steps x learning rate of each snapshot'],
        ['snapshot_steps', Float64Array.from(reachedSteps), [S], 'gradient-descent step of each snapshot'],
        ['points', samples.points, [N, experiment.domain.dim], 'training samples x_i'],
        ['weights', samples.weights, [N], 'quadrature weights q_i'],
        ['target', target, [N], 'target g(x_i)'],
        ['output', concatenate(outputs), [S, N], 'network output f(x_i) at each snapshot'],
        ['train_P', comparison.training.P, [S, F], 'Re of the transform of the training error (snapshot x xi)'],
        ['train_Q', comparison.training.Q, [S, F], 'Im of the transform of the training error (snapshot x xi)'],
      ]
      for (const [name, spectra] of Object.entries(comparison.models)) {
        arrays.push([`${name}_P`, spectra.P, [S, F], `Re of the ${name} prediction of the error transform`])
        arrays.push([`${name}_Q`, spectra.Q, [S, F], `Im of the ${name} prediction of the error transform`])
      }
      if (coefficients) {
        for (const key of ['Rre', 'Rim', 'Dre', 'Dim'] as const) arrays.push([`coef_${key}`, coefficients[key], [F], `diffusion-model coefficient ${key} on xi (spec section 4)`])
      }
      for (const [name, data, shape, description] of arrays) {
        await writeRunArray(runDir, name, data, shape)
        record.arrays[name] = { file: `${name}.npy`, shape, description }
      }
    }
  } catch (error) {
    record.status = 'failed'
    record.message = error instanceof RunError ? error.message : `internal error: ${(error as Error).message ?? String(error)}`
    record.finishedAt = new Date().toISOString()
    await writeRunRecord(runDir, record)
    if (!(error instanceof RunError)) console.error(error)
    return record
  }
}

function resolveLearningRate(experiment: Experiment, lambdaMax: number): NonNullable<RunRecord['learningRate']> {
  const spec = experiment.training
  if (!Number.isFinite(lambdaMax)) {
    // Only sine networks have a kernel (spec section 1): other activations need an explicit rate.
    if (spec.learningRate === 'auto') {
      throw new RunError(`learning rate "auto" needs the NTK of a sine network; activation "${experiment.network.activation}" has no spectral model, so set training.learningRate to a number.`)
    }
    return { value: spec.learningRate, auto: false, lambdaMax, largestStable: Number.NaN }
  }
  const choice = chooseLearningRate(spec, lambdaMax)
  if (!choice.ok) throw new RunError(choice.message)
  return { value: choice.learningRate, auto: choice.auto, lambdaMax, largestStable: choice.largestStable }
}

async function evaluateTarget(experiment: Experiment, samples: SampleSet, projectDir: string): Promise<Float64Array> {
  const { target, domain } = experiment
  let values: Float64Array
  if (target.csv !== undefined) {
    const table = await loadCsvTarget(join(projectDir, target.csv), domain.dim)
    values = table.evaluate(samples.points)
  } else {
    const compiled = compileTargetExpression(target.expr ?? '', domain.dim)
    if (!compiled.ok) throw new RunError(`target.expr: ${compiled.message}`)
    values = compiled.evaluate(samples.points)
  }
  const bad = values.findIndex((value) => !Number.isFinite(value))
  if (bad >= 0) {
    const at = Array.from(samples.points.subarray(bad * domain.dim, (bad + 1) * domain.dim), (v) => v.toPrecision(4)).join(', ')
    throw new RunError(`the target is not finite at x = (${at}); change the expression or the domain.`)
  }
  return values
}

function quadratureLoss(output: Float64Array, target: Float64Array, weights: Float64Array): number {
  let sum = 0
  for (let i = 0; i < weights.length; i++) sum += weights[i] * (output[i] - target[i]) ** 2
  return sum / 2
}

function concatenate(rows: Float64Array[]): Float64Array {
  const out = new Float64Array(rows.reduce((n, row) => n + row.length, 0))
  let offset = 0
  for (const row of rows) {
    out.set(row, offset)
    offset += row.length
  }
  return out
}

