// Test helper (not exported from the client): a tiny node:http server on 127.0.0.1, port 0, that
// answers each request as the test scripts it and records what it received.

import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the server saw.
 *
 * @example
 * server.requests[0] // { method: 'GET', path: '/demo/centers', query: URLSearchParams {}, headers, body: '' }
 */
export type RecordedRequest = {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
}

/**
 * One scripted answer. `body` objects are sent as JSON. `hang` never answers; `destroy` drops the
 * connection before answering; `partial` sends the headers and these bytes of a longer body, then
 * either drops the connection (`then: 'destroy'`) or stalls (`then: 'hang'`). `waitFor` holds the
 * answer until the promise settles.
 *
 * @example
 * const reply: Reply = { status: 429, headers: { 'retry-after': '2' } }
 */
export type Reply = {
  status?: number
  headers?: Record<string, string>
  body?: unknown
  hang?: boolean
  destroy?: boolean
  partial?: { bytes: string; then: 'destroy' | 'hang' }
  waitFor?: Promise<unknown>
}

/**
 * A running scripted server.
 *
 * @example
 * const server = await startScriptedServer([{ status: 503 }, { body: [] }])
 * await server.close()
 */
export type ScriptedServer = {
  url: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

/**
 * Starts a server that answers request n with `script[n]` (or `script(request, n)`); a request
 * beyond the script gets 418 so an unexpected extra call is visible.
 *
 * @example
 * const server = await startScriptedServer((request) => ({ body: { path: request.path } }))
 */
export async function startScriptedServer(
  script: readonly Reply[] | ((request: RecordedRequest, index: number) => Reply),
): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      const index = requests.length
      requests.push(recorded)
      const reply = typeof script === 'function' ? script(recorded, index) : (script[index] ?? { status: 418, body: { unscripted: index } })
      void answer(reply)
    })

    async function answer(reply: Reply): Promise<void> {
      if (reply.waitFor) await reply.waitFor.catch(() => undefined)
      if (reply.hang) return
      if (reply.destroy) {
        req.socket.destroy()
        return
      }
      const headers: Record<string, string> = { ...reply.headers }
      let text = ''
      if (typeof reply.body === 'string') text = reply.body
      else if (reply.body !== undefined) {
        text = JSON.stringify(reply.body)
        headers['content-type'] ??= 'application/json'
      }
      if (reply.partial) {
        res.writeHead(reply.status ?? 200, { ...headers, 'content-length': String(reply.partial.bytes.length + 100) })
        res.write(reply.partial.bytes)
        if (reply.partial.then === 'destroy') setImmediate(() => req.socket.destroy())
        return
      }
      res.writeHead(reply.status ?? 200, headers)
      res.end(text)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
