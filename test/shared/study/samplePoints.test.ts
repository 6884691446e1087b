import { describe, expect, it } from 'vitest'
import { samplePoints } from '../../../src/shared/study/samplePoints'

describe('samplePoints', () => {
  it('1-D grid: trapezoid weights integrate linear functions exactly and sum to |Omega|', () => {
    const set = samplePoints({ dim: 1, halfWidth: 3, samples: 7, sampling: 'grid', seed: 0 })
    expect(Array.from(set.points)).toEqual([-3, -2, -1, 0, 1, 2, 3])
    expect(set.uniformGrid).toEqual({ start: -3, step: 1 })
    const integral = (f: (x: number) => number) => set.weights.reduce((sum, q, i) => sum + q * f(set.points[i]), 0)
    // Exact up to rounding (1e-14): the trapezoid rule is exact for polynomials of degree <= 1.
    expect(integral(() => 1)).toBeCloseTo(6, 14)
    expect(integral((x) => 2 * x + 1)).toBeCloseTo(6, 14)
    // A smooth function that vanishes with its derivatives at the ends: trapezoid error decays fast.
    const fine = samplePoints({ dim: 1, halfWidth: 4, samples: 801, sampling: 'grid', seed: 0 })
    const bump = fine.weights.reduce((sum, q, i) => sum + q * (1 - (fine.points[i] / 4) ** 2) ** 4, 0)
    expect(bump).toBeCloseTo(8 * (128 / 315), 6) // integral of (1-s^2)^4 over [-1,1] is 256/315
  })

  it('2-D grid: tensor-product weights sum to (2L)^2 and integrate x*y exactly', () => {
    const set = samplePoints({ dim: 2, halfWidth: 1, samples: 5, sampling: 'grid', seed: 0 })
    expect(set.points.length).toBe(50)
    expect(set.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 14)
    const moment = set.weights.reduce((sum, q, p) => sum + q * (set.points[2 * p] + 1) * (set.points[2 * p + 1] + 2), 0)
    expect(moment).toBeCloseTo(4 * 1 * 2, 13) // integral of (x+1)(y+2) over [-1,1]^2
    expect(set.uniformGrid).toBeUndefined()
  })

  it('random sampling: reproducible for a seed, inside the domain, weights |Omega|/N, roughly uniform', () => {
    const domain = { dim: 1 as const, halfWidth: 2, samples: 20000, sampling: 'random' as const, seed: 7 }
    const a = samplePoints(domain)
    const b = samplePoints(domain)
    expect(a.points).toEqual(b.points)
    expect(samplePoints({ ...domain, seed: 8 }).points).not.toEqual(a.points)
    expect(Math.min(...a.points)).toBeGreaterThanOrEqual(-2)
    expect(Math.max(...a.points)).toBeLessThanOrEqual(2)
    expect(a.weights[0]).toBeCloseTo(4 / 20000, 15)
    // Mean of U(-2, 2) is 0 with standard error 4/sqrt(12 N) = 0.008; 5 standard errors.
    const mean = a.points.reduce((s, x) => s + x, 0) / a.points.length
    expect(Math.abs(mean)).toBeLessThan(0.04)
  })
})
