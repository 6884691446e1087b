/**
 * Decay times of the training error, frequency by frequency (issue 4, Results: "time for the error
 * at chosen frequencies to fall below a threshold"). For each xi of the analysis grid and each
 * threshold theta, the first model time t (t = steps x learning rate, spec section 2) at which
 *
 *   |u^(xi, t)| <= theta |u^(xi, 0)|,    |u^(xi, t)| = sqrt(P(xi, t)^2 + Q(xi, t)^2)
 *
 * with P, Q the real and imaginary parts of the transform of the training error (spec section 3)
 * at the snapshots. Between the two snapshots that bracket the crossing, ln(|u^(t)| / |u^(0)|) is
 * taken linear in t (exact for a single exponential decay, which is what the diffusion model gives
 * where reaction dominates; spec section 4), so the time is
 *
 *   t* = t_a + (t_b - t_a) (ln theta - ln r_a) / (ln r_b - ln r_a),   r = |u^(t)| / |u^(0)|,
 *
 * r_a > theta >= r_b. Where r_b is exactly 0 (ln undefined), r is interpolated linearly instead.
 * null: the error never fell that far during the run (or the run diverged: NaN never compares).
 *
 * |u^(xi, 0)| = 0 (the ratio is undefined): by the definition above the condition already holds at
 * t = 0 (0 <= theta x 0), so the decay time is 0: there is no error to learn at that xi. "Zero"
 * means at rounding level: below ZERO_INITIAL_AMPLITUDE times the largest |u^(xi', 0)| of the grid
 * (for example xi = 0, where Q is zero by symmetry and P vanishes for an odd error), where a ratio
 * would compare rounding noise with rounding noise.
 *
 * Stored in run.json (metrics.decay) rounded to 6 significant digits, so to 5e-6 of itself: finer
 * than one gradient-descent step (t = steps x learning rate) for any crossing within the first
 * 200,000 steps, and far finer than the interpolation between snapshots, which are typically 1/100
 * of the run apart. A run.json is read for every point of a sweep table, so it is kept small.
 */

/** |u^(xi, 0)| below this fraction of the largest initial amplitude counts as zero. */
export const ZERO_INITIAL_AMPLITUDE = 1e-12

/** Significant digits of the decay times and frequencies stored in run.json. */
export const DECAY_SIGNIFICANT_DIGITS = 6

/** metrics.decay of run.json: times[k][f] for thresholds[k] and xi[f]; null = never reached. */
export interface DecayTimes {
  thresholds: number[]
  /** cycles per unit length, the run's analysis grid */
  xi: number[]
  /** model times, thresholds x xi */
  times: (number | null)[][]
}

export interface DecayTimesInput {
  /** cycles per unit length, F values */
  xi: ArrayLike<number>
  /** model times of the snapshots, S values, increasing; snapshot 0 is t = 0 */
  snapshotTimes: ArrayLike<number>
  /** transform of the training error, S x F row-major (rows = snapshots); fewer rows than S are allowed (a cancelled run) */
  P: ArrayLike<number>
  Q: ArrayLike<number>
  /** each in (0, 1) */
  thresholds: readonly number[]
}

/** The decay times of every xi and threshold (see the module comment); numbers at full precision. */
export function errorDecayTimes({ xi, snapshotTimes, P, Q, thresholds }: DecayTimesInput): DecayTimes {
  const F = xi.length
  const S = Math.min(snapshotTimes.length, Math.floor(Math.min(P.length, Q.length) / Math.max(1, F)))
  const amplitude = (s: number, f: number) => Math.hypot(P[s * F + f], Q[s * F + f])
  let largestInitial = 0
  for (let f = 0; f < F; f++) {
    const a = S > 0 ? amplitude(0, f) : Number.NaN
    if (a > largestInitial) largestInitial = a
  }
  const zeroBelow = ZERO_INITIAL_AMPLITUDE * largestInitial
  const times = thresholds.map(() => new Array<number | null>(F).fill(null))
  const ratios = new Float64Array(S)
  for (let f = 0; f < F; f++) {
    if (S === 0) continue
    const initial = amplitude(0, f)
    if (!Number.isFinite(initial)) continue
    if (initial <= zeroBelow) {
      thresholds.forEach((_, k) => (times[k][f] = 0))
      continue
    }
    for (let s = 0; s < S; s++) ratios[s] = amplitude(s, f) / initial
    thresholds.forEach((theta, k) => {
      times[k][f] = crossingTime(snapshotTimes, ratios, S, theta)
    })
  }
  return { thresholds: [...thresholds], xi: Array.from(xi), times }
}

/** First t with ratio(t) <= theta, log-linear between the bracketing snapshots; null if never. */
function crossingTime(t: ArrayLike<number>, ratio: Float64Array, count: number, theta: number): number | null {
  if (ratio[0] <= theta) return t[0]
  for (let s = 1; s < count; s++) {
    const rb = ratio[s]
    if (!(rb <= theta)) {
      if (Number.isNaN(rb)) return null // diverged: nothing after this is meaningful
      continue
    }
    const ra = ratio[s - 1]
    const ta = t[s - 1]
    const tb = t[s]
    const fraction = rb > 0 ? (Math.log(theta) - Math.log(ra)) / (Math.log(rb) - Math.log(ra)) : (ra - theta) / (ra - rb)
    return ta + (tb - ta) * Math.min(1, Math.max(0, fraction))
  }
  return null
}

/** x rounded to `digits` significant digits (JSON-compact); null and non-finite values pass. */
export function roundSignificant<T extends number | null>(x: T, digits = DECAY_SIGNIFICANT_DIGITS): T {
  if (x === null || !Number.isFinite(x) || x === 0) return x
  return Number((x as number).toPrecision(digits)) as T
}

/** The decay times as run.json stores them: every number to DECAY_SIGNIFICANT_DIGITS digits. */
export function compactDecayTimes(decay: DecayTimes): DecayTimes {
  return {
    thresholds: decay.thresholds.map((x) => roundSignificant(x)),
    xi: decay.xi.map((x) => roundSignificant(x)),
    times: decay.times.map((row) => row.map((x) => roundSignificant(x))),
  }
}

/**
 * The decay time at frequency `frequency` for `threshold`, from stored decay times: the nearest
 * xi of the run's grid (ties to the lower), the threshold matched to 1e-9 relative. undefined when
 * the run stored no times for this threshold (or no xi at all).
 */
export function decayTimeAt(decay: DecayTimes, frequency: number, threshold: number): number | null | undefined {
  const k = decay.thresholds.findIndex((x) => Math.abs(x - threshold) <= 1e-9 * Math.abs(threshold))
  if (k < 0 || decay.xi.length === 0) return undefined
  let nearest = 0
  for (let f = 1; f < decay.xi.length; f++) {
    if (Math.abs(decay.xi[f] - frequency) < Math.abs(decay.xi[nearest] - frequency)) nearest = f
  }
  const time = decay.times[k]?.[nearest]
  return time === undefined ? undefined : time
}
