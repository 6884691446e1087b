import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CsvTargetError, loadCsvTarget, parseCsvTarget } from '../../../src/main/project/csvTarget'
import type { CsvTarget } from '../../../src/main/project/csvTarget'

function parsed(text: string, dim: 1 | 2): CsvTarget {
  const result = parseCsvTarget(text, dim)
  if (!result.ok) throw new Error(result.message)
  return result.target
}

function refused(text: string, dim: 1 | 2): { message: string; line?: number } {
  const result = parseCsvTarget(text, dim)
  if (result.ok) throw new Error('expected the CSV to be refused')
  return result
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-target-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('parseCsvTarget, 1-D', () => {
  it('reproduces a piecewise-linear function exactly and its samples at the nodes', () => {
    // g(x) = |x| sampled at unsorted nodes -2, 1, -1, 0, 2: linear between nodes, so the
    // interpolant equals |x| everywhere on [-2, 2] (up to rounding of s * (g1 - g0)).
    const target = parsed('# |x|\nx,g\n-2,2\n1,1\n-1,1\n0,0\n2,2\n', 1)
    expect(Array.from(target.xs)).toEqual([-2, -1, 0, 1, 2])
    expect(target.xRange).toEqual([-2, 2])
    const points = Float64Array.from({ length: 41 }, (_, i) => -2 + i * 0.1)
    const values = target.evaluate(points)
    for (let i = 0; i < points.length; i++) expect(values[i]).toBeCloseTo(Math.abs(points[i]), 14)
    expect(Array.from(target.evaluate(Float64Array.from([-2, 0, 2])))).toEqual([2, 0, 2])
  })

  it('interpolates a smooth function with the error bound h^2 max|g\'\'| / 8', () => {
    const lines = Array.from({ length: 201 }, (_, i) => { const x = -4 + i * 0.04; return `${x},${Math.sin(3 * x)}` })
    const target = parsed(lines.join('\n'), 1)
    const points = Float64Array.from({ length: 999 }, (_, i) => -4 + (8 * i) / 998)
    const values = target.evaluate(points)
    let worst = 0
    for (let i = 0; i < points.length; i++) worst = Math.max(worst, Math.abs(values[i] - Math.sin(3 * points[i])))
    // Linear interpolation error <= h^2/8 * max|g''| = 0.04^2 / 8 * 9 = 1.8e-3.
    expect(worst).toBeLessThan(1.8e-3)
    expect(worst).toBeGreaterThan(1e-4) // it is interpolation, not the exact function
  })

  it('accepts a header in any column order, quotes, CRLF and a byte-order mark', () => {
    const target = parsed('\uFEFF"g" , "X"\r\n1,0\r\n3,1\r\n', 1)
    expect(Array.from(target.evaluate(Float64Array.from([0.5])))).toEqual([2])
  })

  it('refuses points outside the sampled range, and clamps only rounding-size overshoots', () => {
    const target = parsed('x,g\n-4,0\n4,8\n', 1)
    expect(() => target.evaluate(Float64Array.from([0, 4.01]))).toThrow(/point 1 has x = 4\.01, outside the CSV's range \[-4, 4\]/)
    expect(target.evaluate(Float64Array.from([4 + 1e-14]))[0]).toBe(8)
    expect(target.coverageProblem(4)).toBeUndefined()
    expect(target.coverageProblem(5)).toMatch(/cover x in \[-4, 4\], but the domain is \[-5, 5\]/)
  })

  it('reports problems with their line numbers', () => {
    expect(refused('x,g\n0,1\n1,abc\n', 1)).toMatchObject({ line: 3, message: '"abc" is not a finite number' })
    expect(refused('x,g\n0,1\n1,2,3\n', 1)).toMatchObject({ line: 3, message: 'expected 2 values (x,g), got 3' })
    expect(refused('a,b\n0,1\n', 1)).toMatchObject({ line: 1, message: 'the header must name the columns x,g (got a,b)' })
    expect(refused('0,1\n\n# gap\n0,2\n', 1)).toMatchObject({ line: 4, message: 'x = 0 appears twice (also on line 1); give each x once' })
    expect(refused('x,g\n0,NaN\n', 1)).toMatchObject({ line: 2 })
    expect(refused('x,g\n0,1\n', 1).message).toMatch(/at least 2 samples \(got 1\)/)
  })
})

describe('parseCsvTarget, 2-D', () => {
  it('reproduces a bilinear function exactly on a non-uniform grid', () => {
    // g(x, y) = 1 + 2x - 3y + 0.5xy is bilinear, so bilinear interpolation returns it exactly.
    const g = (x: number, y: number): number => 1 + 2 * x - 3 * y + 0.5 * x * y
    const xs = [-2, -0.5, 1, 2]
    const ys = [-1, 0.25, 1]
    const rows = ys.flatMap((y) => xs.map((x) => `${y},${g(x, y)},${x}`)) // columns in header order y,g,x
    const target = parsed(`y,g,x\n${rows.reverse().join('\n')}`, 2)
    expect(Array.from(target.xs)).toEqual(xs)
    expect(Array.from(target.ys)).toEqual(ys)
    expect(target.yRange).toEqual([-1, 1])
    const points = new Float64Array([-2, -1, 2, 1, 0.3, 0.7, -1.9, 0.9, 1.5, -0.2])
    const values = target.evaluate(points)
    for (let i = 0; i < 5; i++) expect(values[i]).toBeCloseTo(g(points[2 * i], points[2 * i + 1]), 13)
  })

  it('refuses incomplete grids, duplicates and points outside the grid', () => {
    expect(refused('0,0,1\n1,0,1\n0,1,1\n', 2).message).toMatch(/do not form a full grid: x = 1, y = 1 is missing/)
    expect(refused('0,0,1\n1,0,1\n0,1,1\n1,1,1\n0,0,5\n', 2)).toMatchObject({ line: 5, message: expect.stringMatching(/appears twice \(also on line 1\)/) })
    expect(refused('0,0,1\n0,1,1\n', 2).message).toMatch(/at least 2 x 2 samples \(got 1 x values and 2 y values\)/)
    const target = parsed('0,0,1\n1,0,1\n0,1,1\n1,1,1\n', 2)
    expect(() => target.evaluate(new Float64Array([0.5, 0.5, 0.5, 1.5]))).toThrow(/point 1 has y = 1\.5, outside/)
    expect(target.coverageProblem(1)).toMatch(/cover x in \[0, 1\], y in \[0, 1\], but the domain is \[-1, 1\]\^2/)
  })
})

describe('loadCsvTarget', () => {
  it('reads a file, and throws errors that name the file and line', async () => {
    const good = join(dir, 'good.csv')
    await writeFile(good, 'x,g\n-1,0\n1,2\n')
    const target = await loadCsvTarget(good, 1)
    expect(Array.from(target.evaluate(Float64Array.from([0])))).toEqual([1])
    const bad = join(dir, 'bad.csv')
    await writeFile(bad, 'x,g\n-1,0\n1,oops\n')
    const error = await loadCsvTarget(bad, 1).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(CsvTargetError)
    expect(error).toMatchObject({ line: 3, path: bad, message: `${bad}:3: "oops" is not a finite number` })
    await expect(loadCsvTarget(join(dir, 'absent.csv'), 1)).rejects.toThrow(/absent\.csv: file not found/)
  })
})
