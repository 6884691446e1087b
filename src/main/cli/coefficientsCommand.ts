import type { TrainedParameter } from '../../shared/project/experimentTypes'
import { diffusionCoefficients } from '../../shared/spectral/diffusionCoefficients'
import { frequenciesAlongRay } from '../../shared/spectral/frequencyGrid'
import type { SpectralSetup } from '../../shared/spectral/spectralSetup'
import { groupShares } from '../../shared/network/scaleGroups'
import { parseBoolean, parseCommandLine, parseNumber, parseNumberList, parseRange, UsageError } from './commandLine'

export const COEFFICIENTS_USAGE = `mscale coefficients --scales 1,2,4 [--bias false] [--amplitude scale|none] [--trained a,w]
                   [--sigma-a 1 --sigma-w 1 --sigma-b 1] [--dim 1|2] [--xi 0:4:401] [--width M --init zero-output|random] [--json]
    Diffusion-model coefficients R_re, R_im, D_re, D_im (spec section 4) on a frequency grid;
    in 2-D along the ray xi = (r, 0). Group weights are 1/S unless --width gives the actual shares.`

const TRAINED = new Set(['a', 'w', 'b'])

/** mscale coefficients: prints the coefficient arrays as JSON or as a table. */
export function coefficientsCommand(args: string[], print: (line: string) => void): number {
  const { values } = parseCommandLine(args, {
    scales: { type: 'string' }, bias: { type: 'string' }, amplitude: { type: 'string' }, trained: { type: 'string' },
    'sigma-a': { type: 'string' }, 'sigma-w': { type: 'string' }, 'sigma-b': { type: 'string' },
    dim: { type: 'string' }, xi: { type: 'string' }, width: { type: 'string' }, init: { type: 'string' }, json: { type: 'boolean' },
  }, 'coefficients')
  if (values.scales === undefined) throw new UsageError('coefficients: --scales is required, for example --scales 1,2,4')
  const scales = parseNumberList(values.scales, '--scales')
  if (scales.some((s) => s <= 0)) throw new UsageError(`--scales: scales must be positive (got ${values.scales})`)
  const bias = parseBoolean(values.bias, '--bias', false)
  const amplitude = values.amplitude ?? 'scale'
  if (amplitude !== 'scale' && amplitude !== 'none') throw new UsageError(`--amplitude: expected scale or none (got "${amplitude}")`)
  const trained = (values.trained ?? 'a,w').split(',').map((p) => p.trim())
  const unknown = trained.filter((p) => !TRAINED.has(p))
  if (unknown.length > 0 || trained.length === 0) throw new UsageError(`--trained: expected a comma-separated subset of a,w,b (got "${values.trained}")`)
  if (trained.includes('b') && !bias) throw new UsageError('--trained: b can only be trained with --bias true')
  const dim = parseNumber(values.dim, '--dim', 1)
  if (dim !== 1 && dim !== 2) throw new UsageError(`--dim: expected 1 or 2 (got ${values.dim})`)
  const sigma = (flag: 'sigma-a' | 'sigma-w' | 'sigma-b') => {
    const value = parseNumber(values[flag], `--${flag}`, 1)
    if (value <= 0) throw new UsageError(`--${flag}: must be positive (got ${value})`)
    return value
  }
  const radii = parseRange(values.xi ?? '0:4:401', '--xi')
  let groupWeights = scales.map(() => 1 / scales.length)
  if (values.width !== undefined) {
    const width = parseNumber(values.width, '--width', 0)
    const init = values.init ?? 'zero-output'
    if (init !== 'zero-output' && init !== 'random') throw new UsageError(`--init: expected zero-output or random (got "${init}")`)
    if (!Number.isInteger(width) || width < 1 || (init === 'zero-output' && width % 2 !== 0)) {
      throw new UsageError(`--width: expected a positive integer, even for zero-output initialisation (got ${values.width})`)
    }
    groupWeights = groupShares(width, scales.length, init)
  }
  const setup: SpectralSetup = {
    dim, scales, groupWeights, amplitude, bias, trained: trained as TrainedParameter[],
    sigmaA: sigma('sigma-a'), sigmaW: sigma('sigma-w'), sigmaB: sigma('sigma-b'),
  }
  const c = diffusionCoefficients(setup, frequenciesAlongRay(radii, dim))
  if (values.json) {
    print(JSON.stringify({ dim, setup, xi: Array.from(radii), Rre: Array.from(c.Rre), Rim: Array.from(c.Rim), Dre: Array.from(c.Dre), Dim: Array.from(c.Dim) }))
    return 0
  }
  print(['xi', 'R_re', 'R_im', 'D_re', 'D_im'].map((h) => h.padStart(12)).join(''))
  radii.forEach((r, k) => print([r, c.Rre[k], c.Rim[k], c.Dre[k], c.Dim[k]].map((v) => v.toPrecision(5).padStart(12)).join('')))
  return 0
}
