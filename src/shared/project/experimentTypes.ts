/**
 * The domain model of a project file (project.json), as the rest of the code sees it after
 * validation and defaults (see projectSchema.ts). Field meanings follow
 * ../shared/spec/SPECTRAL_MODEL.md; the file format itself is described in the README.
 */

import type { SweepDefinition } from '../sweep/sweepTypes'

export const PROJECT_FORMAT = 'mscale-workbench/project'
export const PROJECT_VERSION = 1

export type Activation = 'sin' | 'tanh' | 'relu'
/** Output amplitude c_j of scale group j: 1 ("none") or alpha_j^d ("scale"). Spec section 1. */
export type Amplitude = 'none' | 'scale'
export type TrainedParameter = 'a' | 'w' | 'b'
export type Initialisation = 'zero-output' | 'random'
export type Sampling = 'grid' | 'random'
/** Training backends, fastest first where available; "auto" picks (ARCHITECTURE.md, Engines). */
export const TRAINING_BACKENDS = ['tfjs-node-gpu', 'tfjs-node', 'js-f64', 'wasm', 'cpu'] as const
export type TrainingBackend = (typeof TRAINING_BACKENDS)[number]
export type BackendChoice = 'auto' | TrainingBackend
export type SpectralModelName = 'diffusion' | 'ntk'

/** Target function g: an expression in x (1-D) or x, y (2-D), or samples from a CSV file. */
export interface TargetSpec {
  /** math expression parsed by mathjs, e.g. "(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x))" */
  expr?: string
  /** CSV path relative to the project folder: columns x[,y],g; linearly interpolated */
  csv?: string
}

export interface DomainSpec {
  dim: 1 | 2
  /** Omega = [-L, L]^d */
  halfWidth: number
  /** number of samples N (per axis for a 2-D grid) */
  samples: number
  /** "grid": trapezoid rule on a uniform grid; "random": uniform draws with weights |Omega|/N */
  sampling: Sampling
  /** seed of the random samples (sampling "random") */
  seed: number
}

export interface NetworkSpec {
  /** alpha_1..alpha_S */
  scales: number[]
  /** m, number of neurons; even for zero-output initialisation */
  width: number
  activation: Activation
  bias: boolean
  amplitude: Amplitude
  trained: TrainedParameter[]
  init: Initialisation
  sigmaA: number
  sigmaW: number
  sigmaB: number
  seed: number
}

export interface TrainingSpec {
  /** eta, or "auto" = 0.5 / lambda_max of the NTK operator K Q (spec section 3) */
  learningRate: number | 'auto'
  /** final model time t = steps x learning rate (spec section 2) */
  time: number
  /** model times at which spectra and outputs are recorded; 0 and `time` are always included */
  snapshots: number[]
  backend: BackendChoice
}

export interface AnalysisSpec {
  /** frequency grid [0, xiMax] in cycles per unit length */
  xiMax: number
  xiPoints: number
  /** rel(t) and error norms are measured on [0, band] (spec section 6) */
  band: number
  models: SpectralModelName[]
  /** evenly spaced snapshot times added to training.snapshots for heatmaps and decay curves */
  timeGrid: number
}

export interface Experiment {
  id: string
  name?: string
  description?: string
  target: TargetSpec
  domain: DomainSpec
  network: NetworkSpec
  training: TrainingSpec
  analysis: AnalysisSpec
  /** fields this version does not know, kept verbatim so that a save never drops them */
  [extra: string]: unknown
}

export interface Project {
  format: typeof PROJECT_FORMAT
  version: typeof PROJECT_VERSION
  name: string
  description?: string
  experiments: Experiment[]
  /**
   * Parameter sweeps (issue 4), as the file gives them: validateSweep (sweep/sweepSchema.ts) turns
   * one into a SweepSpec and expandSweep (sweep/sweepExpansion.ts) into its points. Absent when
   * the file has none.
   */
  sweeps?: SweepDefinition[]
  [extra: string]: unknown
}
