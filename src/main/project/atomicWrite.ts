/**
 * Atomic file writes (ARCHITECTURE.md, "Projects on disk"): the data goes to a temporary file in
 * the same folder, which is flushed to disk (fsync) and then renamed over the target; finally the
 * folder itself is flushed so that the rename survives a power cut. A reader therefore sees
 * either the old file or the new one, never a half-written one, and a failed write leaves the
 * old file untouched and no temporary file behind.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Writes `data` (UTF-8 text or bytes) to `path` atomically. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const folder = dirname(path)
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  let created = false
  try {
    const handle = await open(temporary, 'wx')
    created = true
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
    created = false
  } catch (error) {
    if (created) await unlink(temporary).catch(() => undefined)
    throw error
  }
  await syncFolder(folder)
}

/**
 * Flushes a folder's entries (the rename) to disk. Some systems (Windows) cannot open a folder
 * for this; there the rename is already durable enough, so those errors are ignored.
 */
async function syncFolder(folder: string): Promise<void> {
  let handle
  try {
    handle = await open(folder, 'r')
    await handle.sync()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES' && code !== 'EBADF') throw error
  } finally {
    await handle?.close()
  }
}
