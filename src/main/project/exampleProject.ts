import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { findPackageRoot } from '../runs/packageRoot'
import { PROJECT_FILE_NAME } from './projectStore'

/** The bundled example, relative to the package folder; never written to. */
export const EXAMPLE_PROJECT = 'resources/examples/spectral-bias.mscale'

/** Copies the bundled example's project.json into dir (created if needed). */
export async function copyExampleProject(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  await copyFile(join(findPackageRoot(), EXAMPLE_PROJECT, PROJECT_FILE_NAME), join(dir, PROJECT_FILE_NAME))
}
