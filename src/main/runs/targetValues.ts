import { join } from 'node:path'
import type { Experiment } from '../../shared/project/experimentTypes'
import type { SampleSet } from '../../shared/study/samplePoints'
import { compileTargetExpression } from '../../shared/target/targetExpression'
import { loadCsvTarget } from '../project/csvTarget'

/** A refusal or failure the user can act on: its message is shown as it is, without a stack. */
export class RunError extends Error {}

/** g(x_i) at the samples, from the expression or the CSV file (relative to the project folder). */
export async function evaluateTarget(experiment: Experiment, samples: SampleSet, projectDir: string): Promise<Float64Array> {
  const { target, domain } = experiment
  let values: Float64Array
  if (target.csv !== undefined) {
    const table = await loadCsvTarget(join(projectDir, target.csv), domain.dim)
    values = table.evaluate(samples.points)
  } else {
    const compiled = compileTargetExpression(target.expr ?? '', domain.dim)
    if (!compiled.ok) throw new RunError(`target.expr: ${compiled.message}`)
    values = compiled.evaluate(samples.points)
  }
  const bad = values.findIndex((value) => !Number.isFinite(value))
  if (bad >= 0) {
    const at = Array.from(samples.points.subarray(bad * domain.dim, (bad + 1) * domain.dim), (v) => v.toPrecision(4)).join(', ')
    throw new RunError(`the target is not finite at x = (${at}); change the expression or the domain.`)
  }
  return values
}

