import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  compileTargetExpression,
  describeNonFiniteSample,
  firstNonFiniteSample,
} from '../../../src/shared/target/targetExpression'

function grid(count: number, halfWidth: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => -halfWidth + (2 * halfWidth * i) / (count - 1))
}

function compileOk(expr: string, dim: 1 | 2) {
  const compiled = compileTargetExpression(expr, dim)
  if (!compiled.ok) throw new Error(`expected ${expr} to compile: ${compiled.message}`)
  return compiled
}

function refusal(expr: string, dim: 1 | 2 = 1): { message: string; position?: number } {
  const compiled = compileTargetExpression(expr, dim)
  if (compiled.ok) throw new Error(`expected ${expr} to be refused`)
  return compiled
}

describe('compileTargetExpression', () => {
  it("evaluates the issue's target at 801 points like the same formula written in JavaScript", () => {
    const compiled = compileOk('(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x))', 1)
    expect(compiled.variables).toEqual(['x'])
    const points = grid(801, 4)
    const values = compiled.evaluate(points)
    let worst = 0
    for (let i = 0; i < points.length; i++) {
      const x = points[i]
      const expected = (1 - (x / 4) ** 2) ** 4 * (Math.sin(x) + 0.8 * Math.sin(4 * x))
      worst = Math.max(worst, Math.abs(values[i] - expected))
    }
    // Same operations on doubles in possibly different order (mathjs pow vs **): a few ulps of O(1) values.
    expect(worst).toBeLessThan(1e-14)
  })

  it('evaluates 801 points in milliseconds', () => {
    const compiled = compileOk('(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x)+0.6*sin(9*x))', 1)
    const points = grid(801, 4)
    const out = new Float64Array(801)
    compiled.evaluate(points, out) // warm up
    const start = performance.now()
    for (let repeat = 0; repeat < 10; repeat++) compiled.evaluate(points, out)
    const perCall = (performance.now() - start) / 10
    // Measured about 1 ms per call here; 20 ms leaves room for a loaded shared machine.
    expect(perCall).toBeLessThan(20)
  })

  it('writes into out and evaluates 2-D points given row-major as (x, y)', () => {
    const compiled = compileOk('x^2 + 10*y + pi - e + tau', 2)
    expect(compiled.variables).toEqual(['x', 'y'])
    const points = new Float64Array([1, 2, -3, 0.5])
    const out = new Float64Array(2)
    expect(compiled.evaluate(points, out)).toBe(out)
    const constants = Math.PI - Math.E + 2 * Math.PI
    expect(out[0]).toBeCloseTo(1 + 20 + constants, 13)
    expect(out[1]).toBeCloseTo(9 + 5 + constants, 13)
  })

  it('accepts standard functions, implicit multiplication, comparisons and conditionals', () => {
    const compiled = compileOk('x > 0 ? 2x : abs(atan2(x, 1)) + max(1, x, 2) + log(8, 2) + sqrt(4)', 1)
    const values = compiled.evaluate(new Float64Array([3, -1]))
    expect(values[0]).toBe(6)
    expect(values[1]).toBeCloseTo(Math.PI / 4 + 2 + 3 + 2, 14)
  })

  it('reports syntax errors with their position (0-based) and character (1-based)', () => {
    const extra = refusal('(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x)))')
    expect(extra.message).toBe("unexpected ')' at character 36")
    expect(extra.position).toBe(35)
    const short = refusal('sin(x')
    expect(short.message).toMatch(/^'\)' expected at character 6/)
    expect(short.position).toBe(5)
    expect(refusal('2 +* 3').position).toBe(3)
    expect(refusal('x ) + 1').message).toBe("unexpected ')' at character 3")
  })

  it('refuses unknown names, the other dimension, and functions used as values, with positions', () => {
    expect(refusal('x + z')).toMatchObject({ position: 4, message: expect.stringMatching(/unknown name 'z' at character 5/) })
    expect(refusal('sin(x) + y')).toMatchObject({ position: 9, message: expect.stringMatching(/'y' at character 10 is not a variable of a 1-D target/) })
    expect(compileTargetExpression('sin(x) + y', 2).ok).toBe(true)
    expect(refusal('2 * sin x').message).toMatch(/'sin' is a function at character 5/)
    expect(refusal('foo(x)')).toMatchObject({ position: 0, message: expect.stringMatching(/unknown function 'foo'/) })
    expect(refusal('1 + sin(x, 2)')).toMatchObject({ position: 4, message: expect.stringMatching(/sin at character 5 takes 1 argument \(got 2\)/) })
    expect(refusal('5 cm').message).toMatch(/unknown name 'cm'/)
  })

  it('refuses code: constructor, import, evaluate, assignments, definitions, access, strings, matrices', () => {
    const cases: [string, RegExp][] = [
      ['constructor', /unknown name 'constructor' at character 1/],
      ['x.constructor', /property and index access is not allowed at character 2/],
      ['x["constructor"]', /property and index access is not allowed at character 2/],
      ['import({}, {override: true})', /unknown function 'import'/],
      ['import(x)', /unknown function 'import' at character 1/],
      ['evaluate("1+1")', /unknown function 'evaluate'/],
      ['parse("x")', /unknown function 'parse'/],
      ['createUnit("foo")', /unknown function 'createUnit'/],
      ['a = 1', /assignments are not allowed at character 3/],
      ['f(x) = x^2', /function definitions are not allowed at character 6/],
      ['"abc"', /is not a number at character 1/],
      ['[1, 2]', /matrices and lists are not allowed at character 1/],
      ['{a: 1}', /objects are not allowed at character 1/],
      ['1:3', /ranges are not allowed at character 2/],
      ['x; x', /several statements are not allowed/],
      ['x!', /operator '!' at character 2 is not allowed/],
      ['Infinity', /not allowed at character 1: a target must be finite/],
      ['true', /true is not a number/],
      ['', /the expression is empty/],
    ]
    for (const [expr, message] of cases) expect(refusal(expr).message, expr).toMatch(message)
  })

  it('refuses an expression whose value is not a number', () => {
    expect(refusal('x > 0').message).toMatch(/gives true\/false, not a number/)
  })

  it('uses neither eval nor Function (source check)', () => {
    const source = readFileSync(new URL('../../../src/shared/target/targetExpression.ts', import.meta.url), 'utf8')
    const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '') // comments mention eval by name
    expect(code).not.toMatch(/\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(/)
  })
})

describe('firstNonFiniteSample', () => {
  it('finds the first sample where the target is NaN or infinite and describes it', () => {
    const compiled = compileOk('1/x + sqrt(x + 1)', 1)
    const points = new Float64Array([1, 0, -2])
    const values = compiled.evaluate(points)
    const sample = firstNonFiniteSample(values, points, 1)
    expect(sample).toEqual({ index: 1, point: [0], value: Infinity })
    expect(describeNonFiniteSample(sample!)).toMatch(/not finite at x = 0 \(sample 1 gives Infinity\)/)
    // sqrt(-1) is NaN in mathjs's number build, not a complex number.
    expect(firstNonFiniteSample(values.subarray(2), points.subarray(2), 1)?.value).toBeNaN()
    expect(firstNonFiniteSample(new Float64Array([1, 2]), new Float64Array([0, 0, 1, 1]), 2)).toBeUndefined()
  })

  it('reports 2-D points with both coordinates', () => {
    const compiled = compileOk('log(x*y)', 2)
    const points = new Float64Array([1, 1, 0, 2])
    const sample = firstNonFiniteSample(compiled.evaluate(points), points, 2)
    expect(describeNonFiniteSample(sample!)).toMatch(/at x = 0, y = 2 \(sample 1 gives -Infinity\)/)
  })
})
