import { loadProject } from '../project/projectStore'
import { UsageError } from './commandLine'

export const VALIDATE_USAGE = `mscale validate <project-dir>
    Checks project.json against the schema and lists every problem with its JSON path.`

/** mscale validate: exit 0 when the project is valid (warnings are printed), 1 when not. */
export async function validateCommand(args: string[], print: (line: string) => void): Promise<number> {
  const [projectDir, ...rest] = args
  if (!projectDir || rest.length > 0) throw new UsageError('validate: expected exactly one argument, the project folder')
  const loaded = await loadProject(projectDir)
  if (!loaded.ok) {
    print(`${projectDir}: ${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}`)
    for (const problem of loaded.problems) print(`  ${problem.path}: ${problem.message}`)
    return 1
  }
  for (const warning of loaded.warnings) print(`  warning ${warning.path}: ${warning.message}`)
  const count = loaded.project.experiments.length
  print(`${projectDir}: valid (${count} experiment${count === 1 ? '' : 's'}: ${loaded.project.experiments.map((e) => e.id).join(', ')})`)
  return 0
}
