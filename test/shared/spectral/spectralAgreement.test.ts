import { describe, expect, it } from 'vitest'
import { bandNorm, relativeBandError } from '../../../src/shared/spectral/spectralAgreement'

const grid = (xiMax: number, count: number) => Float64Array.from({ length: count }, (_, i) => (i * xiMax) / (count - 1))

describe('bandNorm', () => {
  it('approximates the L2 norm on [0, band] at second order', () => {
    // integral_0^2.5 sin^2(2 pi xi) dxi = 1.25: the integrand has period 0.5 and 2.5 holds five
    // whole periods, on which the trapezoid rule is exact up to rounding (1e-12). A non-periodic
    // integrand shows the rule's own error: integral_0^2.5 exp(-2 xi) dxi = (1 - exp(-5)) / 2.
    const xi = grid(4, 801) // spacing 0.005; 2.5 is node 500 up to rounding
    const sine = xi.map((x) => Math.sin(2 * Math.PI * x))
    expect(Math.abs(bandNorm(sine, xi, 2.5) ** 2 - 1.25)).toBeLessThan(1e-12)
    const decay = xi.map((x) => Math.exp(-x))
    const exact = (1 - Math.exp(-5)) / 2
    // Trapezoid error h^2/12 * [f']_0^2.5 = 2.5e-5/12 * (2 - 2 exp(-5)) ~ 4.2e-6.
    const error = Math.abs(bandNorm(decay, xi, 2.5) ** 2 - exact)
    expect(error).toBeLessThan(4.3e-6)
    expect(error).toBeGreaterThan(4.0e-6)
  })

  it('uses only the nodes inside the band, with half weights at both ends', () => {
    const xi = grid(1, 11) // h = 0.1
    const values = Float64Array.from({ length: 11 }, (_, i) => i + 1)
    // band 0.35 -> nodes 0..3 (values 1..4): h (1/2 + 4 + 9 + 16/2) = 0.1 * 21.5
    expect(bandNorm(values, xi, 0.35)).toBeCloseTo(Math.sqrt(2.15), 14)
    // band beyond the grid -> the whole grid
    let whole = 0.5 * (1 + 121)
    for (let i = 2; i <= 10; i++) whole += i * i
    expect(bandNorm(values, xi, 7)).toBeCloseTo(Math.sqrt(0.1 * whole), 13)
    // a band that ends on a node computed with rounding still includes that node
    const fine = grid(4, 801)
    const ones = new Float64Array(801).fill(1)
    expect(bandNorm(ones, fine, 2.5)).toBeCloseTo(Math.sqrt(2.5), 14)
  })

  it('refuses a band with fewer than two nodes or a grid not starting at 0', () => {
    const xi = grid(1, 11)
    expect(() => bandNorm(new Float64Array(11), xi, 0.05)).toThrow(/fewer than 2 nodes/)
    expect(() => bandNorm(new Float64Array(11), xi.map((x) => x + 1), 0.5)).toThrow(/start at 0/)
    expect(() => bandNorm(new Float64Array(3), xi, 0.5)).toThrow(/needs 6 samples/)
  })
})

describe('relativeBandError', () => {
  it('is the ratio of band norms and ignores what lies outside the band', () => {
    const xi = grid(4, 401)
    const reference = xi.map((x) => Math.sin(3 * x) * Math.exp(-x))
    const model = Float64Array.from(reference)
    expect(relativeBandError(model, reference, xi, 2.5)).toBe(0)
    // a perturbation beyond the band changes nothing
    for (let i = 0; i < xi.length; i++) if (xi[i] > 2.6) model[i] += 10
    expect(relativeBandError(model, reference, xi, 2.5)).toBe(0)
    // a 3% scaling inside the band gives exactly 3%
    const scaled = reference.map((v) => 1.03 * v)
    expect(relativeBandError(scaled, reference, xi, 2.5)).toBeCloseTo(0.03, 14)
    // and equals the quotient of two bandNorm calls in general
    const other = xi.map((x) => Math.cos(x) * Math.exp(-x))
    const difference = other.map((v, i) => v - reference[i])
    expect(relativeBandError(other, reference, xi, 2.5)).toBeCloseTo(bandNorm(difference, xi, 2.5) / bandNorm(reference, xi, 2.5), 14)
  })

  it('is NaN when the reference vanishes on the band', () => {
    const xi = grid(1, 11)
    expect(relativeBandError(new Float64Array(11).fill(1), new Float64Array(11), xi, 0.5)).toBeNaN()
  })
})
