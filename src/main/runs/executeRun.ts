import type { BackendChoice, Experiment, SpectralModelName } from '../../shared/project/experimentTypes'
import { samplePoints } from '../../shared/study/samplePoints'
import { evaluateTarget, RunError } from './targetValues'
import { spectralSetupOf } from '../../shared/study/spectralSetupOf'
import { chooseLearningRate, snapshotSchedule } from '../../shared/study/learningRate'
import { createSpectralComparison } from '../../shared/study/spectralComparison'
import type { NtkPrediction } from '../../shared/spectral/ntkPrediction'
import { ntkOfSamples } from '../../shared/spectral/ntkOfSamples'
import { diffusionCoefficients } from '../../shared/spectral/diffusionCoefficients'
import { createSpectrumTransform } from '../../shared/spectral/fourierTransform'
import { uniformFrequencyGrid } from '../../shared/spectral/frequencyGrid'
import { initialParameters } from '../../shared/network/initialParameters'
import { runGradientDescent } from '../../shared/network/trainingLoop'
import { createTrainingEngine } from '../compute/engines/createTrainingEngine'
import { writeRunArray, writeRunRecord } from '../project/runStore'
import type { RunPrepared, RunProgress, RunSnapshot } from '../../shared/api/workbenchApi'
import type { RunRecord } from '../../shared/study/runRecord'
import { workbenchVersions } from './workbenchVersions'
import { compactDecayTimes, errorDecayTimes } from '../../shared/study/decayTimes'
import { DECAY_THRESHOLDS } from '../../shared/api/workbenchApi'

export interface ExecuteRunRequest {
  projectDir: string
  runDir: string
  record: RunRecord
  backend: BackendChoice
  /** threads of the js-f64 engine (createTrainingEngine.ts; default 1) */
  threads?: number
}

export interface ExecuteRunHooks {
  onProgress(progress: Omit<RunProgress, 'runId' | 'experimentId'>): void
  /** the grids, target, coefficients and model predictions, before the first training step */
  onPrepared(prepared: Omit<RunPrepared, 'runId' | 'experimentId'>): void
  /** each training snapshot as it is taken */
  onSnapshot(snapshot: Omit<RunSnapshot, 'runId' | 'experimentId'>): void
  isCancelled(): boolean
}

const PROGRESS_INTERVAL_MS = 250

/**
 * Runs one experiment end to end and writes its run folder: samples and target, the NTK kernel and
 * lambda_max (learning rate "auto" or a stability check), the diffusion model and NTK prediction at
 * every snapshot time (they need only the initial error), then gradient descent, comparing each
 * training snapshot as it comes (spectra, error norms, rel(t)). Runs inside a compute worker
 * (ARCHITECTURE.md, Process model). Returns the final record, also written to run.json.
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
    // low-rank NTK factor from kernel columns (never N x N); lambda_max from it, or from Lanczos with a note
    const kernelModel = hasModel ? ntkOfSamples(setup, samples.points, samples.weights) : undefined
    const ntk: NtkPrediction | undefined = models.includes('ntk') ? kernelModel?.prediction : undefined
    const lambdaMax = kernelModel?.lambdaMax ?? Number.NaN
    if (kernelModel?.note && models.includes('ntk')) record.notes = [...(record.notes ?? []), kernelModel.note]
    const learningRate = resolveLearningRate(experiment, lambdaMax)
    record.learningRate = learningRate
    const eta = learningRate.value
    const { totalSteps, requestedSteps, snapshotSteps } = snapshotSchedule(experiment.training.time, experiment.training.snapshots, eta, experiment.analysis.timeGrid)

    const params = initialParameters(experiment.network, experiment.domain.dim)
    const problem = { dim: experiment.domain.dim, points: samples.points, weights: samples.weights, target, uniformGrid: samples.uniformGrid }
    const { engine, attempts } = await createTrainingEngine(request.backend, problem, experiment.network, params, { threads: request.threads })
    record.backend = { name: engine.backend, precision: engine.precision, attempts }
    record.steps = { total: totalSteps, completed: 0, snapshots: snapshotSteps, requested: requestedSteps }
    await writeRunRecord(runDir, record)

    const N = samples.weights.length
    const errorOf = (output: Float64Array) => output.map((f, i) => f - target[i])
    const xi = uniformFrequencyGrid(experiment.analysis.xiMax, experiment.analysis.xiPoints)
    const coefficients = models.includes('diffusion') ? diffusionCoefficients(setup, xi) : undefined
    const comparison = createSpectralComparison({
      xi, band: experiment.analysis.band, bias: experiment.network.bias, learningRate: eta, snapshotSteps,
      initialError: errorOf(Float64Array.from(await engine.output())),
      transform: createSpectrumTransform(samples.points, samples.weights, xi, experiment.domain.dim),
      coefficients, ntk,
    })
    const snapshotTimes = Float64Array.from(snapshotSteps, (n) => n * eta)
    hooks.onPrepared({
      xi, snapshotTimes, snapshotSteps, points: samples.points, target, band: experiment.analysis.band,
      learningRate: eta, totalSteps, backend: engine.backend, coefficients, models: comparison.models, notes: record.notes ?? [],
    })
    const prepared = performance.now()

    const outputs: Float64Array[] = []
    let training
    try {
      training = await runGradientDescent(engine, {
        learningRate: eta,
        totalSteps,
        snapshotSteps,
        progressIntervalMs: PROGRESS_INTERVAL_MS,
        now: () => performance.now(),
        onProgress: (p) => hooks.onProgress({ phase: 'training', step: p.step, totalSteps: p.totalSteps, time: p.time, loss: p.loss, etaSeconds: p.etaSeconds }),
        onSnapshot: (s) => {
          const index = outputs.length
          const output = Float64Array.from(s.output)
          const metrics = comparison.addTrainingSnapshot(index, errorOf(output))
          outputs.push(output)
          const spectra = comparison.trainingSpectra(index)
          hooks.onSnapshot({
            index, step: s.step, t: s.time, loss: s.loss, output, errorNorm: metrics.errorNorm, rel: metrics.rel,
            P: spectra.P.slice(), Q: spectra.Q.slice(),
          })
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
        : `try a learning rate ten times smaller than ${eta}`
      record.message = `${training.message ?? 'training diverged'}; ${advice}.`
    } else if (training.status === 'cancelled') {
      record.message = `cancelled at step ${training.steps} of ${totalSteps} (t = ${(training.steps * eta).toPrecision(4)})`
    }

    hooks.onProgress({ phase: 'analysing', step: training.steps, totalSteps, time: training.steps * eta, loss: Number.NaN, etaSeconds: Number.NaN })
    const result = comparison.result()
    const losses = outputs.map((output) => quadratureLoss(output, target, samples.weights))
    // decay times on every snapshot taken (time grid included), compact for tables of many runs
    const decay = compactDecayTimes(errorDecayTimes({ xi, snapshotTimes, P: result.training.P, Q: result.training.Q, thresholds: DECAY_THRESHOLDS }))
    record.metrics = { initialLoss: losses[0], finalLoss: losses[losses.length - 1], snapshots: result.metrics, decay }
    const S = outputs.length
    const F = xi.length
    const arrays: [string, Float64Array | Int32Array, number[], string][] = [
      ['loss_steps', training.lossCurve.steps, [training.lossCurve.steps.length], 'gradient-descent step of each loss value (int32)'],
      ['loss', training.lossCurve.loss, [training.lossCurve.loss.length], 'Loss = 1/2 sum_i q_i (f(x_i) - g(x_i))^2 at loss_steps'],
      ['xi', xi, [F], 'frequency grid (cycles per unit length)'],
      ['snapshot_times', snapshotTimes.slice(0, S), [S], 'model time t = steps x learning rate of each snapshot'],
      ['snapshot_steps', Float64Array.from(snapshotSteps.slice(0, S)), [S], 'gradient-descent step of each snapshot'],
      ['points', samples.points, [N, experiment.domain.dim], 'training samples x_i'],
      ['weights', samples.weights, [N], 'quadrature weights q_i'],
      ['target', target, [N], 'target g(x_i)'],
      ['output', concatenate(outputs), [S, N], 'network output f(x_i) at each snapshot'],
      ['train_P', result.training.P, [S, F], 'Re of the transform of the training error (snapshot x xi)'],
      ['train_Q', result.training.Q, [S, F], 'Im of the transform of the training error (snapshot x xi)'],
    ]
    for (const [name, spectra] of Object.entries(result.models)) {
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

