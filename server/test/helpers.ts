// Shared test helpers: an API caller that validates every answer against the spec and records
// which operations were exercised, and a webhook receiver that tests can script and wait on.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import type { RunningEmulator } from '../src/emulator/index.js'
import { createSpecValidator, loadSpec, type Spec } from './spec-validator.js'

export const spec: Spec = loadSpec()
export const validator = createSpecValidator(spec)

/** Every operation of the spec subset as 'METHOD /path'. */
export const specOperations: string[] = spec.resources.flatMap((r) => r.operations.map((o) => `${o.method} ${o.path}`))

/** The calls the connector makes that the spec subset lacks (flow-api/README.md). */
export const extraOperations = [
  'POST /:organization/experiences/items/filters/number',
  'POST /:organization/inventory_updates',
  'GET /:organization/webhook/deliveries',
  'POST /:organization/webhook/deliveries/:id/requests',
]

export type Auth = 'key' | 'none' | { session: string } | { header: string }

export type CallOptions = {
  body?: unknown
  auth?: Auth
  /** Expected status (default 200). */
  status?: number
  headers?: Record<string, string>
}

/** An answer: `json` is the parsed body, undefined when it is not JSON (or is malformed). */
export type ApiResult = { status: number; headers: Headers; text: string; json: unknown }

/**
 * A client for tests: `call('GET /:organization/experiences', '/demo/experiences')` checks the
 * status, validates the body against the type the spec gives that operation for that status
 * (strictly), and marks the operation as exercised. Error bodies are `generic_error` (or the
 * operation's own error type), including 401 and 404, where the spec has no body.
 */
export function createApi(emulator: RunningEmulator) {
  const exercised = new Set<string>()
  const basic = `Basic ${Buffer.from(`${emulator.apiKey}:`).toString('base64')}`

  async function raw(method: string, path: string, options: CallOptions = {}): Promise<ApiResult> {
    const auth = options.auth ?? 'key'
    const headers: Record<string, string> = { ...options.headers }
    if (auth === 'key') headers.authorization = basic
    else if (auth !== 'none' && 'session' in auth) headers.authorization = `Session ${auth.session}`
    else if (auth !== 'none') headers.authorization = auth.header
    let body: string | undefined
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
      headers['content-type'] ??= 'application/json'
    }
    const response = await fetch(emulator.url + path, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body }) })
    const text = await response.text()
    let json: unknown
    try {
      if (text && (response.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(text)
    } catch {
      json = undefined // a malformed body (fault injection); `text` has it
    }
    return { status: response.status, headers: response.headers, text, json }
  }

  async function call(operation: string, path: string, options: CallOptions = {}): Promise<ApiResult> {
    const [method = '', pattern = ''] = operation.split(' ')
    const result = await raw(method, path, options)
    const expected = options.status ?? 200
    expect(result.status, `${operation} → ${result.status}: ${result.text.slice(0, 500)}`).toBe(expected)
    const type = responseType(operation, result.status)
    if (type === 'unit') {
      if (result.status < 400) expect(result.text, `${operation}: expected no body`).toBe('')
      else validator.assertValid(result.json, 'generic_error')
    } else if (type !== undefined) {
      validator.assertValid(result.json, type)
    }
    exercised.add(`${method} ${pattern}`)
    return result
  }

  return { call, raw, exercised, basic }
}

/** The response type the spec gives an operation for a status; undefined for the extra calls. */
export function responseType(operation: string, status: number): string | undefined {
  const [method, path] = operation.split(' ')
  for (const resource of spec.resources) {
    for (const op of resource.operations) {
      if (op.method !== method || op.path !== path) continue
      const response = op.responses.find((r) => r.code.integer?.value === status)
      if (!response) throw new Error(`${operation}: the spec lists no ${status} response`)
      return response.type
    }
  }
  if (extraOperations.includes(operation)) return undefined
  throw new Error(`${operation} is not an operation of the spec subset nor one of the extra calls`)
}

/** One request a receiver got. */
export type ReceivedRequest = { headers: IncomingHttpHeaders; body: string; status: number }

/**
 * A webhook receiver on 127.0.0.1. `statuses` scripts its answers in order (then 200 forever);
 * `waitFor(n)` resolves once n requests have arrived.
 *
 * @example
 * const receiver = await startReceiver([500, 500]) // fails twice, then succeeds
 */
export async function startReceiver(statuses: number[] = []) {
  const received: ReceivedRequest[] = []
  let waiters: { count: number; resolve: () => void }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const status = statuses[received.length] ?? 200
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status })
      res.writeHead(status).end()
      const ready = waiters.filter((w) => received.length >= w.count)
      waiters = waiters.filter((w) => received.length < w.count)
      for (const w of ready) w.resolve()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    waitFor(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
