/**
 * Acceptance test "NTK flow vs diffusion model" (spec section 6, first reference figure).
 *
 * On Omega = [-4, 4] with an 801-point trapezoid grid, zero-output initialisation (u(0) = -g),
 * amplitude "scale", a and w trained, sigmas 1: the infinite-width NTK flow u(t) = exp(-t K Q) u(0)
 * (spec section 3), transformed by quadrature onto xi in [0, 4] (801 points), is compared with the
 * diffusion model (spec sections 4-5) started from the transform of u(0), by rel(t) on the band
 * [0, 2.5] (spec section 6). The spec reports 0.1% to 4% for scale sets {1}, {1,2}, {1,2,4,8}
 * while ||Q|| stays above 1% of its initial value; this test requires <= 5% on the same grid
 * for two targets of its own, and prints the table of rel(t) it measured.
 *
 * Everything the comparison needs is computed here from its inputs; no figure is stored.
 */
import { describe, expect, it } from 'vitest'
import type { SpectralSetup } from '../../../src/shared/spectral/spectralSetup'
import { groupShares } from '../../../src/shared/network/scaleGroups'
import { ntkKernelMatrix } from '../../../src/shared/spectral/ntkKernel'
import { diffusionCoefficients } from '../../../src/shared/spectral/diffusionCoefficients'
import { createSpectrumTransform, type SpectrumTransform } from '../../../src/shared/spectral/fourierTransform'
import { uniformFrequencyGrid } from '../../../src/shared/spectral/frequencyGrid'
import { createDiffusionSolver1d, type DiffusionSolver1d } from '../../../src/shared/spectral/diffusionSolver1d'
import { createNtkPrediction, type NtkPrediction } from '../../../src/shared/spectral/ntkPrediction'
import { bandNorm, relativeBandError } from '../../../src/shared/spectral/spectralAgreement'

const HALF_WIDTH = 4
const SAMPLE_COUNT = 801
const XI_MAX = 4
const XI_COUNT = 801
const BAND = 2.5
/** Snapshot model times; a time is compared while ||Q_ntk(t)|| >= 1% of ||Q_ntk(0)|| on the band. */
const TIMES = [0.1, 0.25, 0.5, 1, 2, 4, 7, 10]
const MIN_NORM_FRACTION = 0.01
/** Acceptance bound: the spec's reference figures reach 4%; 5% leaves a margin for our own targets. */
const TOLERANCE = 0.05
/** Width used only for the group shares n_j / m (the zero-output assignment; 1/S for these S). */
const SHARE_WIDTH = 4000

const envelope = (x: number, power: number) => (1 - (x / HALF_WIDTH) ** 2) ** power
/** Odd targets vanishing smoothly at x = +-4. The first is the spec's reference target. */
const ODD_TARGETS: { name: string; g: (x: number) => number }[] = [
  { name: 'spec: (1-(x/4)^2)^4 (sin x + 0.8 sin 4x + 0.6 sin 9x)', g: (x) => envelope(x, 4) * (Math.sin(x) + 0.8 * Math.sin(4 * x) + 0.6 * Math.sin(9 * x)) },
  { name: 'own: (1-(x/4)^2)^3 (0.6 sin 2x - 0.5 sin 5.5x + 0.4 sin 7.5x)', g: (x) => envelope(x, 3) * (0.6 * Math.sin(2 * x) - 0.5 * Math.sin(5.5 * x) + 0.4 * Math.sin(7.5 * x)) },
]
/** A target with even and odd parts for the case with bias (P and Q both move). */
const MIXED_TARGET = {
  name: 'own: (1-(x/4)^2)^4 (cos 2x + 0.7 sin 3x + 0.5 cos 6x)',
  g: (x: number) => envelope(x, 4) * (Math.cos(2 * x) + 0.7 * Math.sin(3 * x) + 0.5 * Math.cos(6 * x)),
}

function makeSetup(scales: number[], bias: boolean): SpectralSetup {
  return {
    dim: 1,
    scales,
    groupWeights: groupShares(SHARE_WIDTH, scales.length, 'zero-output'),
    amplitude: 'scale',
    bias,
    trained: bias ? ['a', 'w', 'b'] : ['a', 'w'],
    sigmaA: 1,
    sigmaW: 1,
    sigmaB: 1,
  }
}

const h = (2 * HALF_WIDTH) / (SAMPLE_COUNT - 1)
const points = Float64Array.from({ length: SAMPLE_COUNT }, (_, i) => -HALF_WIDTH + i * h)
const weights = Float64Array.from({ length: SAMPLE_COUNT }, (_, i) => (i === 0 || i === SAMPLE_COUNT - 1 ? h / 2 : h))
const xi = uniformFrequencyGrid(XI_MAX, XI_COUNT)
const transform: SpectrumTransform = createSpectrumTransform(points, weights, xi, 1)

interface Row {
  label: string
  part: 'P' | 'Q'
  t: number
  normFraction: number
  rel: number
}
const table: Row[] = []

/** rel(t) of one spectral part (P or Q) along the snapshot times, for times where the part is still large. */
function compare(
  label: string,
  part: 'P' | 'Q',
  prediction: NtkPrediction,
  solver: DiffusionSolver1d,
  u0: Float64Array,
): Row[] {
  const spectrumP = new Float64Array(XI_COUNT)
  const spectrumQ = new Float64Array(XI_COUNT)
  transform.apply(u0, spectrumP, spectrumQ)
  const initial = Float64Array.from(part === 'P' ? spectrumP : spectrumQ)
  const initialNorm = bandNorm(initial, xi, BAND)
  const u = new Float64Array(SAMPLE_COUNT)
  const model = new Float64Array(XI_COUNT)
  const rows: Row[] = []
  for (const t of TIMES) {
    prediction.flow(u0, t, u)
    transform.apply(u, spectrumP, spectrumQ)
    const reference = part === 'P' ? spectrumP : spectrumQ
    const normFraction = bandNorm(reference, xi, BAND) / initialNorm
    if (normFraction < MIN_NORM_FRACTION) break
    solver.evolve(initial, t, model)
    rows.push({ label, part, t, normFraction, rel: relativeBandError(model, reference, xi, BAND) })
  }
  table.push(...rows)
  return rows
}

function build(setup: SpectralSetup) {
  const prediction = createNtkPrediction(ntkKernelMatrix(setup, points), weights)
  const coefficients = diffusionCoefficients(setup, xi)
  return { prediction, coefficients }
}

describe('NTK flow vs diffusion model (spec section 6)', () => {
  for (const scales of [[1], [1, 2], [1, 2, 4, 8]]) {
    it(`agrees within 5% on [0, ${BAND}] without bias, scales {${scales.join(',')}}`, () => {
      const { prediction, coefficients } = build(makeSetup(scales, false))
      const solver = createDiffusionSolver1d({ xi, diffusion: coefficients.Dim, reaction: coefficients.Rim, originCondition: 'dirichlet' })
      for (const target of ODD_TARGETS) {
        const u0 = points.map((x) => -target.g(x))
        // The target is odd and the grid symmetric: P(u0) vanishes to rounding, so Q is the whole spectrum.
        const p0 = new Float64Array(XI_COUNT)
        const q0 = new Float64Array(XI_COUNT)
        transform.apply(u0, p0, q0)
        expect(bandNorm(p0, xi, BAND)).toBeLessThan(1e-12 * bandNorm(q0, xi, BAND))
        const rows = compare(`{${scales.join(',')}} ${target.name}`, 'Q', prediction, solver, u0)
        // At least three snapshots must be compared, or the test would say nothing.
        expect(rows.length).toBeGreaterThanOrEqual(3)
        for (const row of rows) expect(row.rel, `t = ${row.t}`).toBeLessThanOrEqual(TOLERANCE)
      }
    })
  }

  it('with bias (sigma_b = 1, a, w, b trained), scales {1,2}: P (Neumann) and Q (Dirichlet)', () => {
    const { prediction, coefficients } = build(makeSetup([1, 2], true))
    const solverP = createDiffusionSolver1d({ xi, diffusion: coefficients.Dre, reaction: coefficients.Rre, originCondition: 'neumann' })
    const solverQ = createDiffusionSolver1d({ xi, diffusion: coefficients.Dim, reaction: coefficients.Rim, originCondition: 'dirichlet' })
    const u0 = points.map((x) => -MIXED_TARGET.g(x))
    const rowsP = compare(`{1,2} bias ${MIXED_TARGET.name}`, 'P', prediction, solverP, u0)
    const rowsQ = compare(`{1,2} bias ${MIXED_TARGET.name}`, 'Q', prediction, solverQ, u0)
    expect(rowsP.length).toBeGreaterThanOrEqual(3)
    expect(rowsQ.length).toBeGreaterThanOrEqual(3)
    for (const row of [...rowsP, ...rowsQ]) expect(row.rel, `${row.part} t = ${row.t}`).toBeLessThanOrEqual(TOLERANCE)
  })

  it('prints the table of rel(t)', () => {
    const lines = table.map(
      (row) => `${row.label.padEnd(72)} ${row.part}  t=${String(row.t).padEnd(5)} |${row.part}|/|${row.part}0|=${row.normFraction.toFixed(4)}  rel=${(100 * row.rel).toFixed(3)}%`,
    )
    console.log(`NTK flow vs diffusion model, band [0, ${BAND}], xi grid [0, ${XI_MAX}] x ${XI_COUNT}, ${SAMPLE_COUNT} samples on [-${HALF_WIDTH}, ${HALF_WIDTH}]\n${lines.join('\n')}`)
    expect(table.length).toBeGreaterThan(0)
  })
})
