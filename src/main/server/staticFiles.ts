/**
 * The built renderer's files, served safely: only files under the renderer folder (no "..", no
 * encoded slashes or NUL bytes, no symbolic link that leads out of it), only GET and HEAD, each
 * with its content type and nosniff, and "/" for index.html.
 */
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export type StaticLookup =
  | { found: true; file: string; size: number }
  | { found: false; status: 400 | 404; reason: string }

/**
 * The file under `root` that a URL path names, or why there is none. `root` must be absolute.
 * The path is percent-decoded once; a decoded "/" or "\\" or NUL, a ".." segment, or a target
 * whose real path lies outside root's real path is refused.
 */
export async function findStaticFile(root: string, pathname: string): Promise<StaticLookup> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return { found: false, status: 400, reason: 'The path is not valid percent-encoding.' }
  }
  const segments = pathname.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment)
    } catch {
      return segment
    }
  })
  if (decoded.includes('\0') || segments.some((segment) => segment.includes('/') || segment.includes('\\') || segment === '..')) {
    return { found: false, status: 400, reason: 'The path may not leave the application folder.' }
  }
  const relativePath = decoded.endsWith('/') ? `${decoded}index.html` : decoded
  const candidate = resolve(root, `.${relativePath}`)
  if (!isInside(root, candidate)) return { found: false, status: 400, reason: 'The path may not leave the application folder.' }
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(candidate)])
    if (!isInside(realRoot, realFile)) return { found: false, status: 404, reason: `No file ${pathname}.` }
    const info = await stat(realFile)
    if (!info.isFile()) return { found: false, status: 404, reason: `No file ${pathname}.` }
    return { found: true, file: realFile, size: info.size }
  } catch {
    return { found: false, status: 404, reason: `No file ${pathname}.` }
  }
}

function isInside(root: string, candidate: string): boolean {
  const path = relative(root, candidate)
  return path === '' || (!path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path))
}

/** Streams a found file (the body only for GET), with the given extra headers. */
export function sendStaticFile(
  request: IncomingMessage,
  response: ServerResponse,
  lookup: Extract<StaticLookup, { found: true }>,
  headers: Record<string, string>,
): void {
  const isHtml = extname(lookup.file).toLowerCase() === '.html'
  response.writeHead(200, {
    ...headers,
    'Content-Type': contentTypeOf(lookup.file),
    'Content-Length': String(lookup.size),
    // The page is where the token arrives: keep it out of caches. Vite's assets carry a hash.
    'Cache-Control': isHtml ? 'no-store' : 'private, max-age=3600',
  })
  if (request.method === 'HEAD') {
    response.end()
    return
  }
  const stream = createReadStream(lookup.file)
  stream.on('error', () => response.destroy())
  stream.pipe(response)
}
