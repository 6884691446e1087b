/**
 * Float64 sine and cosine with one shared range reduction, for the js-f64 engine's inner loops
 * (Math.sin and Math.cos cost ~12 ns each there; this pair costs ~7 ns together).
 *
 * z = q (2 pi / 64) + r with q = round(z 64 / (2 pi)) and |r| <= pi / 64 (~0.049). r is computed by
 * Cody-Waite reduction with 2 pi / 64 split into three doubles (fdlibm's pi/2 split scaled by 1/16:
 * 33 + 33 + 53 bits), so q P1 and q P2 are exact for |q| < 2^20 and r carries no reduction error
 * worth counting for |z| <= FAST_SIN_COS_MAX_ARGUMENT. Then
 *   sin z = S_j cos r + C_j sin r,  cos z = C_j cos r - S_j sin r,  j = q mod 64,
 * with the table S_j, C_j = sin, cos(j 2 pi / 64) (corrected for the rounding of the table angle)
 * and Taylor polynomials to r^7 (sin r) and r^8 (cos r), whose truncation errors are below 5e-18.
 *
 * Maximum error against Math.sin / Math.cos: FAST_SIN_COS_MAX_ERROR (absolute), i.e. a few ulps
 * of 1; measured ~7e-16 over |z| <= 1e4 (test/shared/network/fastSinCos.test.ts). Arguments beyond
 * FAST_SIN_COS_MAX_ARGUMENT (and NaN, infinities) go to Math.sin / Math.cos.
 */

/** Table entries per period. */
export const SIN_COS_TABLE_SIZE = 64
/** 64 / (2 pi): z times this rounds to the table index q. */
export const SIN_COS_INVERSE_STEP = SIN_COS_TABLE_SIZE / (2 * Math.PI)
/** 2 pi / 64 = P1 + P2 + P3 (fdlibm's pio2_1, pio2_2, pio2_2t divided by 16: exact scalings). */
export const SIN_COS_P1 = 1.57079632673412561417e+0 / 16
export const SIN_COS_P2 = 6.07710050630396597660e-11 / 16
export const SIN_COS_P3 = 2.02226624879595063154e-21 / 16
/** 1.5 2^52: (t + ROUNDER) - ROUNDER rounds t to the nearest integer for |t| < 2^51. */
export const SIN_COS_ROUNDER = 6755399441055744
/**
 * Largest |z| reduced here: 2^16 keeps |q| <= 2^16 64 / (2 pi) < 2^20, where q P1 and q P2 are
 * exact; larger arguments (never met by the spec's networks: |alpha w x| is a few thousand at most)
 * fall back to Math.sin / Math.cos.
 */
export const FAST_SIN_COS_MAX_ARGUMENT = 2 ** 16
/** Bound on |fastSin(z) - Math.sin(z)| and |fastCos(z) - Math.cos(z)| (absolute; measured ~7e-16). */
export const FAST_SIN_COS_MAX_ERROR = 1.5e-15

/** sin(j 2 pi / 64), j = 0..63 */
export const SIN_TABLE = new Float64Array(SIN_COS_TABLE_SIZE)
/** cos(j 2 pi / 64), j = 0..63 */
export const COS_TABLE = new Float64Array(SIN_COS_TABLE_SIZE)
for (let j = 0; j < SIN_COS_TABLE_SIZE; j++) {
  // The angle j (P1 + P2 + P3): j P1 is exact; the small rest e enters to first order.
  const angle = j * SIN_COS_P1
  const rest = j * SIN_COS_P2 + j * SIN_COS_P3
  SIN_TABLE[j] = Math.sin(angle) + rest * Math.cos(angle)
  COS_TABLE[j] = Math.cos(angle) - rest * Math.sin(angle)
}

/** Where sinCosOf leaves its results (one object, so the engine's loops allocate nothing). */
export const SIN_COS = { sin: 0, cos: 0 }

/** sin z and cos z into SIN_COS, from one range reduction (see the file comment for the error bound). */
export function sinCosOf(z: number): void {
  if (!(Math.abs(z) <= FAST_SIN_COS_MAX_ARGUMENT)) {
    SIN_COS.sin = Math.sin(z)
    SIN_COS.cos = Math.cos(z)
    return
  }
  const q = z * SIN_COS_INVERSE_STEP + SIN_COS_ROUNDER - SIN_COS_ROUNDER
  const r = z - q * SIN_COS_P1 - q * SIN_COS_P2 - q * SIN_COS_P3
  const j = q & (SIN_COS_TABLE_SIZE - 1)
  const t = r * r
  const sr = r + r * t * (-1 / 6 + t * (1 / 120 + t * (-1 / 5040)))
  const cr = 1 + t * (-0.5 + t * (1 / 24 + t * (-1 / 720 + t * (1 / 40320))))
  const S = SIN_TABLE[j]
  const C = COS_TABLE[j]
  SIN_COS.sin = S * cr + C * sr
  SIN_COS.cos = C * cr - S * sr
}

/** sin z (see the file comment for the error bound). */
export function fastSin(z: number): number {
  sinCosOf(z)
  return SIN_COS.sin
}

/** cos z (see the file comment for the error bound). */
export function fastCos(z: number): number {
  sinCosOf(z)
  return SIN_COS.cos
}

/**
 * sin and cos of z[start..end) into sinOut and cosOut (sinOut may be z itself). The loop the
 * engine inlines by hand in its fused passes; kept here as the tested reference form.
 */
export function fastSinCos(z: Float64Array, sinOut: Float64Array, cosOut: Float64Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    sinCosOf(z[i])
    sinOut[i] = SIN_COS.sin
    cosOut[i] = SIN_COS.cos
  }
}
