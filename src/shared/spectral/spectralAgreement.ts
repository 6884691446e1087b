/**
 * The agreement metric of spec section 6: discrete L2 norms of spectra over a frequency band.
 */

/**
 * Index of the last node of xi inside the band [0, band]; the comparison allows for the rounding
 * of grids built as i * h (e.g. 500 * 4/800 = 2.5000000000000004 belongs to the band 2.5).
 */
function lastNodeInBand(xi: Float64Array, band: number, caller: string): number {
  const count = xi.length
  if (count < 2) throw new RangeError(`${caller}: xi needs at least 2 nodes, got ${count}`)
  if (xi[0] !== 0) throw new RangeError(`${caller}: xi must start at 0, got xi[0] = ${xi[0]}`)
  if (!(band > 0) || !Number.isFinite(band)) throw new RangeError(`${caller}: band must be a finite xi_band > 0, got ${band}`)
  const h = xi[1] - xi[0]
  if (!(h > 0)) throw new RangeError(`${caller}: xi must increase, got xi[1] = ${xi[1]}`)
  const last = Math.min(count - 1, Math.floor(band / h + 1e-9))
  if (last < 1) {
    throw new RangeError(`${caller}: the band [0, ${band}] holds fewer than 2 nodes of xi (spacing ${h}); widen the band or refine the grid`)
  }
  return last
}

/**
 * Discrete L2 norm over the band, ||v||_band = sqrt( sum_i w_i v_i^2 ), with the trapezoid
 * weights w_0 = w_last = h / 2, w_i = h in between, over the nodes of the uniform grid
 * xi_i = i h (cycles per unit length) that lie in [0, band]. Approximates
 * ( integral_0^band v(xi)^2 dxi )^(1/2) when band is a node. Spec section 6.
 * @param values samples v(xi_i), at least as long as the nodes in the band
 * @param xi uniform grid starting at 0
 * @param band upper end xi_band of the band (> 0, at least one spacing)
 */
export function bandNorm(values: Float64Array, xi: Float64Array, band: number): number {
  const last = lastNodeInBand(xi, band, 'bandNorm')
  if (values.length < last + 1) throw new RangeError(`bandNorm: values has length ${values.length}; the band needs ${last + 1} samples`)
  const h = xi[1] - xi[0]
  let sum = 0.5 * (values[0] * values[0] + values[last] * values[last])
  for (let i = 1; i < last; i++) sum += values[i] * values[i]
  return Math.sqrt(h * sum)
}

/**
 * rel = ||model - reference||_band / ||reference||_band (spec section 6), with the norm of
 * bandNorm: the relative L2 disagreement of a predicted spectrum (P or Q) with the spectrum of
 * the reference (the trained network's error, or the NTK flow) on [0, band].
 * @returns a dimensionless ratio; NaN when the reference vanishes on the band (rel undefined)
 */
export function relativeBandError(model: Float64Array, reference: Float64Array, xi: Float64Array, band: number): number {
  const last = lastNodeInBand(xi, band, 'relativeBandError')
  if (model.length < last + 1 || reference.length < last + 1) {
    throw new RangeError(`relativeBandError: model (${model.length}) and reference (${reference.length}) need ${last + 1} samples for the band`)
  }
  let difference = 0
  let norm = 0
  for (let i = 0; i <= last; i++) {
    const weight = i === 0 || i === last ? 0.5 : 1
    const d = model[i] - reference[i]
    difference += weight * d * d
    norm += weight * reference[i] * reference[i]
  }
  if (norm === 0) return Number.NaN
  return Math.sqrt(difference / norm)
}
