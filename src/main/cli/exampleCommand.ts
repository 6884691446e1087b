import { pathExists as exists } from '../project/pathExists'
import { join, resolve } from 'node:path'
import { copyExampleProject } from '../project/exampleProject'
import { parseCommandLine, UsageError } from './commandLine'
import { RUN_OPTIONS, runProject, type CommandIo } from './runCommand'

export const EXAMPLE_USAGE = `mscale example [<dir>] [run options]
    Copies the bundled example project to <dir> (default ./example-study.mscale; an existing copy is
    reused, the bundled files are never modified) and runs it: scale sets {1}, {1,2}, {1,2,4},
    {1,2,4,8} on one multi-frequency target, and {1,2,4,8} with a bias.`

/** mscale example: a copy of the bundled example, then `mscale run` on it. */
export async function exampleCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, RUN_OPTIONS, 'example')
  if (positionals.length > 1) throw new UsageError('example: expected at most one folder')
  const dir = resolve(positionals[0] ?? 'example-study.mscale')
  const projectFile = join(dir, 'project.json')
  if (!(await exists(projectFile))) {
    await copyExampleProject(dir)
    io.print(`Copied the bundled example to ${dir}`)
  } else {
    io.print(`Using the example copy in ${dir}`)
  }
  return runProject(dir, values, io)
}

