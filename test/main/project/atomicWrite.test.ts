import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../../src/main/project/atomicWrite'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-write-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('writeFileAtomic', () => {
  it('writes text and bytes, replaces an existing file, and leaves no temporary file', async () => {
    const path = join(dir, 'project.json')
    await writeFileAtomic(path, '{"a": 1}\n')
    expect(await readFile(path, 'utf8')).toBe('{"a": 1}\n')
    await writeFileAtomic(path, new Uint8Array([0, 1, 2, 255]))
    expect([...(await readFile(path))]).toEqual([0, 1, 2, 255])
    await writeFileAtomic(path, 'ünïcödé ✓')
    expect(await readFile(path, 'utf8')).toBe('ünïcödé ✓')
    expect(await readdir(dir)).toEqual(['project.json'])
  })

  it('never shows a reader a half-written file while large writes replace each other', async () => {
    const path = join(dir, 'big.txt')
    // 4 MiB each: far larger than one write system call, so a plain write would be seen half done.
    const contents = ['a', 'b', 'c'].map((letter) => letter.repeat(4 << 20))
    await writeFileAtomic(path, contents[0])
    let stop = false
    let reads = 0
    const reader = (async () => {
      while (!stop) {
        const text = await readFile(path, 'utf8')
        expect(contents.includes(text), `a read of ${text.length} characters starting with ${text[0]}`).toBe(true)
        reads++
      }
    })()
    for (let round = 0; round < 12; round++) await writeFileAtomic(path, contents[round % 3])
    stop = true
    await reader
    expect(reads).toBeGreaterThan(0)
    expect(await readdir(dir)).toEqual(['big.txt'])
  })

  it('leaves the old file intact and no temporary file when the final rename fails', async () => {
    const target = join(dir, 'occupied')
    await mkdir(target)
    await writeFile(join(target, 'inside.txt'), 'old')
    await expect(writeFileAtomic(target, 'new contents')).rejects.toThrow()
    expect(await readFile(join(target, 'inside.txt'), 'utf8')).toBe('old')
    expect(await readdir(dir)).toEqual(['occupied'])
  })

  it('fails without creating anything when the folder does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'file.txt'), 'x')).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await readdir(dir)).toEqual([])
  })
})
