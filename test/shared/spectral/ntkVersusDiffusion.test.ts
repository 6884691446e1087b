/**
 * Acceptance test "NTK flow vs diffusion model" (spec section 6, first reference figure).
 *
 * On Omega = [-4, 4] with an 801-point trapezoid grid, zero-output initialisation (u(0) = -g),
 * amplitude "scale", a and w trained, sigmas 1: the infinite-width NTK flow u(t) = exp(-t K Q) u(0)
 * (spec section 3), transformed by quadrature onto xi in [0, 4] (801 points), is compared with the
 * diffusion model (spec sections 4-5) started from the transform of u(0), by rel(t) on the band
 * [0, 2.5] (spec section 6), at snapshot times up to t = 10 while the reference part keeps at least
 * 1% of its initial band norm. The spec reports 0.1% to 4% for scale sets {1}, {1,2}, {1,2,4,8}
 * and its target; this test requires <= 5% for that target and one of its own, and prints the
 * table of rel(t) it measured (every figure is computed here; none is stored).
 *
 * What limits the agreement. The diffusion model is exact for the infinite-domain flow
 * du/dt = -integral_R K(x, y) u(y) dy (the x . y factor becomes -div(G_hat grad)/(4 pi^2) with no
 * remainder); on Omega the flow only moves u inside [-4, 4], and the transform of u restricted
 * to Omega differs from it by what the kernel would push across +-4 (u(+-4, t) is not 0 for t > 0).
 * Measured while writing this test: refining the sample grid to 1601 points, the xi grid to 1601
 * points, or widening Xi to 6 leaves every rel figure unchanged to three digits, while running the
 * same flow on [-8, 8] (error zero outside [-4, 4] at t = 0) brings rel down to 0.01%-0.6%. The
 * second block below asserts exactly that (<= 1% on [-8, 8]); it covers the cases that exceed 5%
 * on [-4, 4] at late times (the target ODD_TARGET_REPORTED, 5.1%-6.7%, and the Q part with bias,
 * 6.5% at t = 10 where Q has fallen to 1.7% of its initial norm), which are printed, not bounded.
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
/** Snapshot model times; a time is compared while the reference keeps >= 1% of its initial band norm. */
const TIMES = [0.01, 0.03, 0.1, 0.25, 0.5, 1, 2, 4, 7, 10]
const MIN_NORM_FRACTION = 0.01
/** Acceptance bound on [-4, 4]: the spec's reference figures reach 4%; 5% as asked for. */
const TOLERANCE = 0.05
/**
 * Bound on the extended domain [-8, 8], where the domain truncation is pushed out: observed
 * at most 0.61% (scales {1}, whose kernel is the widest and reaches x = 8 by t = 10).
 */
const EXTENDED_TOLERANCE = 0.01
/** Width used only for the group shares n_j / m (zero-output assignment; exactly 1/S for these S). */
const SHARE_WIDTH = 4000

type Target = { name: string; g: (x: number) => number }
const envelope = (x: number, power: number) => (1 - (x / HALF_WIDTH) ** 2) ** power
/** Odd targets vanishing smoothly at x = +-4, held to 5% on [-4, 4]. The first is the spec's. */
const ODD_TARGETS: Target[] = [
  { name: '(1-(x/4)^2)^4 (sin x + 0.8 sin 4x + 0.6 sin 9x)', g: (x) => envelope(x, 4) * (Math.sin(x) + 0.8 * Math.sin(4 * x) + 0.6 * Math.sin(9 * x)) },
  { name: '(1-(x/4)^2)^4 (0.5 sin 3x + 0.7 sin 6x + 0.4 sin 11x)', g: (x) => envelope(x, 4) * (0.5 * Math.sin(3 * x) + 0.7 * Math.sin(6 * x) + 0.4 * Math.sin(11 * x)) },
]
/** An odd target whose strong low frequency (sin 2x) feels the domain edge: printed on [-4, 4], held to 1% on [-8, 8]. */
const ODD_TARGET_REPORTED: Target = {
  name: '(1-(x/4)^2)^3 (0.6 sin 2x - 0.5 sin 5.5x + 0.4 sin 7.5x)',
  g: (x) => envelope(x, 3) * (0.6 * Math.sin(2 * x) - 0.5 * Math.sin(5.5 * x) + 0.4 * Math.sin(7.5 * x)),
}
/** A target with even and odd parts for the case with bias (P and Q both move). */
const MIXED_TARGET: Target = {
  name: '(1-(x/4)^2)^4 (cos 2x + 0.7 sin 3x + 0.5 cos 6x)',
  g: (x) => envelope(x, 4) * (Math.cos(2 * x) + 0.7 * Math.sin(3 * x) + 0.5 * Math.cos(6 * x)),
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

const xi = uniformFrequencyGrid(XI_MAX, XI_COUNT)

/** Samples, trapezoid weights and the quadrature transform onto xi, for [-halfWidth, halfWidth]. */
interface Domain {
  label: string
  points: Float64Array
  weights: Float64Array
  transform: SpectrumTransform
}
function makeDomain(halfWidth: number, count: number): Domain {
  const h = (2 * halfWidth) / (count - 1)
  const points = Float64Array.from({ length: count }, (_, i) => -halfWidth + i * h)
  const weights = Float64Array.from({ length: count }, (_, i) => (i === 0 || i === count - 1 ? h / 2 : h))
  return { label: `[-${halfWidth},${halfWidth}]`, points, weights, transform: createSpectrumTransform(points, weights, xi, 1) }
}
const ACCEPTANCE_DOMAIN = makeDomain(HALF_WIDTH, SAMPLE_COUNT)
/** Twice as wide with the same 801 points (spacing 0.02: 35 points per period of sin 9x). */
const EXTENDED_DOMAIN = makeDomain(2 * HALF_WIDTH, SAMPLE_COUNT)

/** u(0) = -g on [-4, 4] and 0 outside it (zero-output initialisation, spec section 1). */
function initialError(domain: Domain, target: Target): Float64Array {
  return domain.points.map((x) => (Math.abs(x) <= HALF_WIDTH ? -target.g(x) : 0))
}

function buildPrediction(setup: SpectralSetup, domain: Domain): NtkPrediction {
  return createNtkPrediction(ntkKernelMatrix(setup, domain.points), domain.weights)
}

interface Row {
  label: string
  part: 'P' | 'Q'
  t: number
  normFraction: number
  rel: number
}
const table: Row[] = []

/** rel(t) of one spectral part (P or Q) at the snapshot times where the part keeps >= 1% of its initial norm. */
function compare(label: string, part: 'P' | 'Q', domain: Domain, prediction: NtkPrediction, solver: DiffusionSolver1d, u0: Float64Array): Row[] {
  const spectrumP = new Float64Array(XI_COUNT)
  const spectrumQ = new Float64Array(XI_COUNT)
  domain.transform.apply(u0, spectrumP, spectrumQ)
  const initial = Float64Array.from(part === 'P' ? spectrumP : spectrumQ)
  const initialNorm = bandNorm(initial, xi, BAND)
  const u = new Float64Array(u0.length)
  const model = new Float64Array(XI_COUNT)
  const rows: Row[] = []
  for (const t of TIMES) {
    prediction.flow(u0, t, u)
    domain.transform.apply(u, spectrumP, spectrumQ)
    const reference = part === 'P' ? spectrumP : spectrumQ
    const normFraction = bandNorm(reference, xi, BAND) / initialNorm
    if (normFraction < MIN_NORM_FRACTION) break
    solver.evolve(initial, t, model)
    rows.push({ label: `${domain.label} ${label}`, part, t, normFraction, rel: relativeBandError(model, reference, xi, BAND) })
  }
  table.push(...rows)
  return rows
}

function expectWithin(rows: Row[], bound: number): void {
  // At least three snapshots must be compared, or the check would say nothing.
  expect(rows.length).toBeGreaterThanOrEqual(3)
  for (const row of rows) expect(row.rel, `${row.label} ${row.part} t = ${row.t}`).toBeLessThanOrEqual(bound)
}

describe('NTK flow vs diffusion model (spec section 6)', () => {
  for (const scales of [[1], [1, 2], [1, 2, 4, 8]]) {
    const scaleLabel = `{${scales.join(',')}}`
    it(`agrees within 5% on [0, ${BAND}] without bias, scales ${scaleLabel}; within 1% on the extended domain`, () => {
      const setup = makeSetup(scales, false)
      const coefficients = diffusionCoefficients(setup, xi)
      const solver = createDiffusionSolver1d({ xi, diffusion: coefficients.Dim, reaction: coefficients.Rim, originCondition: 'dirichlet' })
      const prediction = buildPrediction(setup, ACCEPTANCE_DOMAIN)
      for (const target of ODD_TARGETS) {
        const u0 = initialError(ACCEPTANCE_DOMAIN, target)
        // The target is odd and the grid symmetric: P(u0) vanishes to rounding, so Q is the whole spectrum.
        const p0 = new Float64Array(XI_COUNT)
        const q0 = new Float64Array(XI_COUNT)
        ACCEPTANCE_DOMAIN.transform.apply(u0, p0, q0)
        expect(bandNorm(p0, xi, BAND)).toBeLessThan(1e-12 * bandNorm(q0, xi, BAND))
        expectWithin(compare(`${scaleLabel} ${target.name}`, 'Q', ACCEPTANCE_DOMAIN, prediction, solver, u0), TOLERANCE)
      }
      if (scales.length === 4) return // {1,2,4,8}: the kernel is narrow, truncation is negligible (rel ~1e-5)
      compare(`${scaleLabel} ${ODD_TARGET_REPORTED.name}`, 'Q', ACCEPTANCE_DOMAIN, prediction, solver, initialError(ACCEPTANCE_DOMAIN, ODD_TARGET_REPORTED))
      const extended = buildPrediction(setup, EXTENDED_DOMAIN)
      for (const target of [ODD_TARGETS[0], ODD_TARGET_REPORTED]) {
        const u0 = initialError(EXTENDED_DOMAIN, target)
        expectWithin(compare(`${scaleLabel} ${target.name}`, 'Q', EXTENDED_DOMAIN, extended, solver, u0), EXTENDED_TOLERANCE)
      }
    })
  }

  it('with bias (sigma_b = 1; a, w, b trained), scales {1,2}: P (Neumann) and Q (Dirichlet)', () => {
    const setup = makeSetup([1, 2], true)
    const coefficients = diffusionCoefficients(setup, xi)
    const solverP = createDiffusionSolver1d({ xi, diffusion: coefficients.Dre, reaction: coefficients.Rre, originCondition: 'neumann' })
    const solverQ = createDiffusionSolver1d({ xi, diffusion: coefficients.Dim, reaction: coefficients.Rim, originCondition: 'dirichlet' })
    const label = `{1,2} bias ${MIXED_TARGET.name}`
    const prediction = buildPrediction(setup, ACCEPTANCE_DOMAIN)
    const u0 = initialError(ACCEPTANCE_DOMAIN, MIXED_TARGET)
    expectWithin(compare(label, 'P', ACCEPTANCE_DOMAIN, prediction, solverP, u0), TOLERANCE)
    // Q on [-4, 4] is printed, not bounded: it exceeds 5% at t = 10 (see the header).
    compare(label, 'Q', ACCEPTANCE_DOMAIN, prediction, solverQ, u0)
    const extended = buildPrediction(setup, EXTENDED_DOMAIN)
    const u0Extended = initialError(EXTENDED_DOMAIN, MIXED_TARGET)
    expectWithin(compare(label, 'P', EXTENDED_DOMAIN, extended, solverP, u0Extended), EXTENDED_TOLERANCE)
    expectWithin(compare(label, 'Q', EXTENDED_DOMAIN, extended, solverQ, u0Extended), EXTENDED_TOLERANCE)
  })

  it('prints the table of rel(t)', () => {
    const width = Math.max(...table.map((row) => row.label.length))
    const lines = table.map(
      (row) =>
        `${row.label.padEnd(width)}  ${row.part}  t=${String(row.t).padEnd(5)} |${row.part}|/|${row.part}0|=${row.normFraction.toFixed(4)}  rel=${(100 * row.rel).toPrecision(3)}%`,
    )
    console.log(`NTK flow vs diffusion model: band [0, ${BAND}], xi grid [0, ${XI_MAX}] x ${XI_COUNT}, ${SAMPLE_COUNT} samples\n${lines.join('\n')}`)
    expect(table.length).toBeGreaterThan(0)
  })
})
