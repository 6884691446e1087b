import { realpathSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { ServiceError } from '../../shared/api/serviceContract'
import { OUTSIDE_WORKSPACE_ERROR } from '../../shared/api/workbenchApi'

/**
 * Where requests may read and write. In browser mode every path must lie under the workspace root
 * given at start (the page may be reached by others than the user at the desk); relative paths are
 * taken from that root. Elsewhere (Electron, CLI) paths come from the user's own dialogs and
 * command lines and are only made absolute.
 */
export interface PathPolicy {
  readonly workspaceRoot?: string
  /** the absolute path for `path`, or a ServiceError OUTSIDE_WORKSPACE_ERROR naming `what` */
  resolve(path: string, what: string): string
}

export function createPathPolicy(workspaceRoot?: string): PathPolicy {
  if (workspaceRoot === undefined) return { resolve: (path) => resolve(path) }
  const root = realpathSync(resolve(workspaceRoot))
  return {
    workspaceRoot: root,
    resolve(path, what) {
      const absolute = resolve(root, path)
      // Follow symbolic links in the part that exists, so a link cannot lead out of the root.
      const real = realExistingPrefix(absolute)
      for (const candidate of [absolute, real]) {
        const inside = relative(root, candidate)
        if (inside.startsWith('..') || isAbsolute(inside)) {
          throw new ServiceError(OUTSIDE_WORKSPACE_ERROR, `${what} ${path} is outside the workspace ${root}; browser mode only reads and writes inside it (start the server with --workspace to choose another folder)`)
        }
      }
      return absolute
    },
  }
}

/** realpath of the longest existing prefix of `path`, with the rest appended. */
function realExistingPrefix(path: string): string {
  let existing = path
  let rest = ''
  for (;;) {
    try {
      return resolve(realpathSync(existing), rest)
    } catch {
      const parent = dirname(existing)
      if (parent === existing) return path
      rest = rest ? `${existing.slice(parent.length + 1)}/${rest}` : existing.slice(parent.length + 1)
      existing = parent
    }
  }
}
