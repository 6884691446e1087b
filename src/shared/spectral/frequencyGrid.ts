/**
 * The 1-D frequency grid of the spectral model (spec section 5): `points` equally spaced values
 * xi_k = xiMax * k / (points - 1), k = 0..points-1, on [0, xiMax] in cycles per unit length.
 * The last value is xiMax exactly.
 */
export function uniformFrequencyGrid(xiMax: number, points: number): Float64Array {
  if (!(Number.isFinite(xiMax) && xiMax > 0)) throw new RangeError(`uniformFrequencyGrid: xiMax is ${xiMax}; expected a finite number > 0`)
  if (!(Number.isInteger(points) && points >= 2)) throw new RangeError(`uniformFrequencyGrid: points is ${points}; expected an integer >= 2`)
  const grid = new Float64Array(points)
  const last = points - 1
  for (let k = 0; k < points; k++) grid[k] = (xiMax * k) / last
  return grid
}

/**
 * Frequencies along the ray xi = (r, 0, ...) in d dimensions: P x d row-major points for the
 * coefficients and transforms, from the radii r (cycles per unit length). In 1-D, the radii.
 */
export function frequenciesAlongRay(radii: ArrayLike<number>, dim: number): Float64Array {
  const points = new Float64Array(radii.length * dim)
  for (let k = 0; k < radii.length; k++) points[k * dim] = radii[k]
  return points
}
