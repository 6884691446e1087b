import { describe, expect, it } from 'vitest'
import { ACTIVATIONS } from '../../../src/shared/network/activations'

describe('activations', () => {
  it("gives sigma' equal to a central difference of sigma away from kinks", () => {
    // Central difference with h = 1e-5: truncation h^2 |sigma'''| / 6 < 2e-11, rounding eps / h ~ 1e-11.
    const h = 1e-5
    for (const [name, activation] of Object.entries(ACTIVATIONS)) {
      for (const z of [-3.1, -1.2, -0.4, 0.3, 0.9, 2.5, 7]) {
        const difference = (activation.f(z + h) - activation.f(z - h)) / (2 * h)
        expect(Math.abs(activation.df(z) - difference), `${name} at ${z}`).toBeLessThan(1e-9)
        if (activation.dfFromValue) expect(activation.dfFromValue(activation.f(z))).toBeCloseTo(activation.df(z), 14)
      }
    }
  })

  it('has the closed forms of sin, tanh and relu', () => {
    expect(ACTIVATIONS.sin.f(0.7)).toBe(Math.sin(0.7))
    expect(ACTIVATIONS.sin.df(0.7)).toBe(Math.cos(0.7))
    expect(ACTIVATIONS.tanh.df(0)).toBe(1)
    expect(ACTIVATIONS.relu.f(-2)).toBe(0)
    expect(ACTIVATIONS.relu.f(2)).toBe(2)
    // The subgradient at the kink is 0, like TensorFlow's step(z) = 1[z > 0].
    expect(ACTIVATIONS.relu.df(0)).toBe(0)
    expect(ACTIVATIONS.relu.dfFromValue!(0)).toBe(0)
  })
})
