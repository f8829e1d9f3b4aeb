// A tiny static file server for the e2e pages: serves dist/, e2e/pages/, examples/ and the
// browser builds in node_modules/ from the repository root, on 127.0.0.1 only.
import { createReadStream, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ALLOWED = ['dist', 'e2e', 'examples', 'node_modules'].map((dir) => join(ROOT, dir) + sep)
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
}

export type StaticServer = { url: string; close(): Promise<void> }

/** Starts the server on an ephemeral port. `headers(path)` may add response headers per page (CSP). */
export async function startStaticServer(headers: (path: string) => Record<string, string> = () => ({})): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    if (pathname === '/favicon.ico') {
      response.writeHead(204).end()
      return
    }
    const file = normalize(join(ROOT, pathname))
    let size = -1
    try {
      if (ALLOWED.some((dir) => file.startsWith(dir))) size = statSync(file).isFile() ? statSync(file).size : -1
    } catch {
      size = -1
    }
    if (size < 0) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}`)
      return
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-store',
      ...headers(pathname),
    })
    createReadStream(file).pipe(response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('static server: no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}
