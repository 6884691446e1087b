// Decay times of the error spectra against closed forms: exponential decay (log-linear interpolation
// is exact), Gaussian decay (interpolation error within its bound), and the edge cases.
import { describe, expect, it } from 'vitest'
import { compactDecayTimes, decayTimeAt, errorDecayTimes, roundSignificant } from '../../../src/shared/study/decayTimes'

/** S x F spectra with |u^(xi_f, t_s)| = amplitude(f, t_s), split into P and Q by a phase per xi. */
function spectra(xi: number[], times: number[], amplitude: (f: number, t: number) => number) {
  const F = xi.length
  const P = new Float64Array(times.length * F)
  const Q = new Float64Array(times.length * F)
  times.forEach((t, s) => {
    xi.forEach((_, f) => {
      const phase = 0.3 + 1.1 * f
      P[s * F + f] = amplitude(f, t) * Math.cos(phase)
      Q[s * F + f] = amplitude(f, t) * Math.sin(phase)
    })
  })
  return { P, Q }
}

const grid = (count: number, end: number) => Array.from({ length: count }, (_, s) => (s * end) / (count - 1))

describe('errorDecayTimes', () => {
  it('is exact (to rounding) for exponential decay |u^(xi,t)| = a e^{-lambda(xi) t}: t* = ln(1/theta) / lambda', () => {
    const xi = [0.5, 1, 2, 4]
    const lambda = [0.5, 3, 12, 40]
    const times = grid(11, 2) // coarse snapshots on purpose: h = 0.2
    const { P, Q } = spectra(xi, times, (f, t) => (1 + f) * Math.exp(-lambda[f] * t))
    const thresholds = [0.5, 0.1, 0.01, 0.001]
    const decay = errorDecayTimes({ xi, snapshotTimes: times, P, Q, thresholds })
    thresholds.forEach((theta, k) => {
      xi.forEach((_, f) => {
        const exact = Math.log(1 / theta) / lambda[f]
        // beyond the last snapshot (t = 2) the threshold is never reached: null
        if (exact > 2) expect(decay.times[k][f]).toBeNull()
        // log-linear interpolation of an exponential is exact; 1e-12 allows for rounding in log/exp
        else expect(decay.times[k][f]).toBeCloseTo(exact, 12)
      })
    })
    expect(decay.times[0][0]).toBeCloseTo(Math.log(2) / 0.5, 12) // t = 1.386, between snapshots
    expect(decay.times[3][0]).toBeNull() // ln(1000)/0.5 = 13.8 > 2
  })

  it('for Gaussian decay e^{-(t/tau)^2} stays within the linear-interpolation bound of ln r', () => {
    // g(t) = ln r = -(t/tau)^2, g'' = -2/tau^2. Linear interpolation of g on a step h errs by at most
    // h^2/8 |g''| = h^2/(4 tau^2) in g; dividing by the slope |g'(t*)| = 2 t*/tau^2 bounds the time error
    // by h^2 / (8 t*) (to first order; the checked bound adds 10% for the second-order term).
    const tau = 0.7
    const xi = [1]
    for (const h of [0.1, 0.05, 0.025]) {
      const times = grid(Math.round(3 / h) + 1, 3)
      const { P, Q } = spectra(xi, times, (_, t) => Math.exp(-((t / tau) ** 2)))
      for (const theta of [0.5, 0.1, 0.01]) {
        const exact = tau * Math.sqrt(Math.log(1 / theta))
        const [time] = errorDecayTimes({ xi, snapshotTimes: times, P, Q, thresholds: [theta] }).times[0]
        const bound = (1.1 * h * h) / (8 * exact)
        expect(Math.abs((time as number) - exact)).toBeLessThanOrEqual(bound)
        // the time is inside its bracketing snapshot interval
        expect(Math.floor((time as number) / h + 1e-9)).toBeLessThanOrEqual(Math.ceil(exact / h))
      }
    }
  })

  it('takes the first crossing, uses every snapshot given, and gives null when the error rises again first or never falls', () => {
    const xi = [1, 2]
    const times = [0, 0.1, 0.2, 0.3, 0.4]
    // xi=1: falls to 0.05 at t=0.2, rises to 2, falls again; xi=2: never below 0.6
    const values = [[1, 0.5, 0.05, 2, 0.01], [1, 0.9, 0.8, 0.7, 0.6]]
    const { P, Q } = spectra(xi, times, (f, t) => values[f][Math.round(t * 10)])
    const decay = errorDecayTimes({ xi, snapshotTimes: times, P, Q, thresholds: [0.1, 0.5] })
    const expected = 0.1 + 0.1 * (Math.log(0.1) - Math.log(0.5)) / (Math.log(0.05) - Math.log(0.5))
    expect(decay.times[0][0]).toBeCloseTo(expected, 12)
    expect(decay.times[1][0]).toBeCloseTo(0.1, 12) // reached exactly at a snapshot
    expect(decay.times[0][1]).toBeNull()
    expect(decay.times[1][1]).toBeNull()
  })

  it('gives 0 where the initial amplitude is zero at rounding level, null after a divergence, and handles a truncated run', () => {
    const xi = [0, 1]
    const times = [0, 0.5, 1]
    // xi = 0: 1e-17 against 1 at xi = 1 (below 1e-12 of the largest): no error to learn there
    const { P, Q } = spectra(xi, times, (f, t) => (f === 0 ? 1e-17 * (1 + t) : Math.exp(-10 * t)))
    const decay = errorDecayTimes({ xi, snapshotTimes: times, P, Q, thresholds: [0.01] })
    expect(decay.times[0][0]).toBe(0)
    expect(decay.times[0][1]).toBeCloseTo(Math.log(100) / 10, 12)
    // divergence: NaN from the second snapshot on
    const diverged = spectra([1], times, (_, t) => (t === 0 ? 1 : Number.NaN))
    expect(errorDecayTimes({ xi: [1], snapshotTimes: times, ...diverged, thresholds: [0.5] }).times[0][0]).toBeNull()
    // a cancelled run: only the first two of three snapshot rows were taken
    const truncated = spectra([1], times.slice(0, 2), (_, t) => Math.exp(-10 * t))
    expect(errorDecayTimes({ xi: [1], snapshotTimes: times, ...truncated, thresholds: [0.01] }).times[0][0]).toBeCloseTo(Math.log(100) / 10, 12)
    expect(errorDecayTimes({ xi: [1], snapshotTimes: times, ...truncated, thresholds: [1e-3] }).times[0][0]).toBeNull()
  })
})

describe('compact decay times and lookup', () => {
  it('rounds to 6 significant digits (relative error <= 5e-6: half a unit of the 6th digit) and keeps null and 0', () => {
    for (const x of [Math.PI, 1 / 3, 123456.789, 2.5e-7, 1.000004999]) expect(Math.abs(roundSignificant(x) - x) / x).toBeLessThanOrEqual(5e-6)
    expect(roundSignificant(Math.PI)).toBe(3.14159)
    const compact = compactDecayTimes({ thresholds: [0.01], xi: [0.1 + 0.2], times: [[1 / 3, null, 0]] })
    expect(compact).toEqual({ thresholds: [0.01], xi: [0.3], times: [[0.333333, null, 0]] })
  })

  it('answers at the nearest xi of the run and the matching threshold', () => {
    const decay = { thresholds: [0.5, 0.01], xi: [0, 0.5, 1, 1.5], times: [[0, 1, 2, 3], [0, 10, null, 30]] }
    expect(decayTimeAt(decay, 0.9, 0.01)).toBeNull() // nearest xi = 1: never reached
    expect(decayTimeAt(decay, 1.3, 0.01)).toBe(30)
    expect(decayTimeAt(decay, 0.2, 0.5)).toBe(0)
    expect(decayTimeAt(decay, 99, 0.5)).toBe(3)
    expect(decayTimeAt(decay, 1, 0.1)).toBeUndefined() // threshold not stored
  })
})
