// Fault injection: every kind is observable by a client (status, header, body), deterministic,
// and settable from options, the admin endpoint and a CLI flag.
import { afterEach, describe, expect, test } from 'vitest'
import { parseFaultFlag, startEmulator, type FaultRule } from '../src/emulator/index.js'
import { createApi, validator } from './helpers.js'

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close()
})

async function setup(faults: FaultRule[] = []) {
  const emulator = await startEmulator({ faults })
  cleanup.push(() => emulator.close())
  return { emulator, api: createApi(emulator) }
}

describe('fault injection', () => {
  test('status: the next N matching requests fail with a generic_error, then the route recovers; other routes are untouched', async () => {
    const { api } = await setup([{ route: 'GET /:organization/experiences', status: 503, times: 2 }])
    const first = await api.raw('GET', '/demo/experiences')
    expect(first.status).toBe(503)
    validator.assertValid(first.json, 'generic_error')
    expect((first.json as { code: string }).code).toBe('server_error')
    expect((await api.raw('GET', '/demo/centers')).status).toBe(200)
    expect((await api.raw('GET', '/demo/experiences')).status).toBe(503)
    expect((await api.raw('GET', '/demo/experiences')).status).toBe(200)
  })

  test('429 carries Retry-After (given, or 1 second by default)', async () => {
    const { api } = await setup([
      { route: '/demo/experiences/germany', status: 429, retry_after: 7, times: 1 },
      { route: '/demo/experiences/japan', status: 429, times: 1 },
    ])
    const limited = await api.raw('GET', '/demo/experiences/germany')
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7'])
    const byDefault = await api.raw('GET', '/demo/experiences/japan')
    expect([byDefault.status, byDefault.headers.get('retry-after')]).toEqual([429, '1'])
  })

  test('malformed_json: the request is served but its JSON body arrives cut short (status unchanged)', async () => {
    const { emulator, api } = await setup([{ route: 'POST /sessions/organizations/:organization', body: 'malformed_json', times: 1 }])
    const response = await api.raw('POST', '/sessions/organizations/demo', { auth: 'none', body: { country: 'JP' } })
    expect([response.status, response.headers.get('content-type')]).toEqual([201, 'application/json; charset=utf-8'])
    expect(() => JSON.parse(response.text) as unknown).toThrow(SyntaxError)
    expect(Object.keys(emulator.state().sessions)).toHaveLength(1)
  })

  test('html: a 200 with an HTML page instead of JSON, and the request is not served', async () => {
    const { emulator, api } = await setup([{ route: '*', body: 'html', times: 1 }])
    const response = await api.raw('POST', '/demo/webhooks', { body: { url: 'http://127.0.0.1:9/x', events: ['order_placed'] } })
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8'])
    expect(response.text).toMatch(/^<!doctype html>/)
    expect(emulator.state().webhooks).toEqual([])
  })

  test('latency delays the answer by at least the given time', async () => {
    const { api } = await setup([{ route: '/demo/centers', latency_ms: 120, times: 1 }])
    const started = performance.now()
    const response = await api.raw('GET', '/demo/centers')
    expect(response.status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(118)
  })

  test('a rate draws from a seeded generator: the same seed fails the same requests', async () => {
    const run = async () => {
      const { api } = await setup([{ route: '*', status: 500, rate: 0.5, seed: 42 }])
      const statuses: number[] = []
      for (let i = 0; i < 20; i++) statuses.push((await api.raw('GET', '/demo/centers')).status)
      return statuses
    }
    const first = await run()
    expect(await run()).toEqual(first)
    expect(first).toContain(500)
    expect(first).toContain(200)
  })

  test('the admin endpoint adds, lists, removes and clears rules; it is never faulted itself', async () => {
    const { api } = await setup()
    const admin = (method: string, path: string, body?: unknown) => api.raw(method, path, { auth: 'none', ...(body === undefined ? {} : { body }) })
    const added = await admin('POST', '/_emulator/faults', { faults: [{ route: '*', status: 502 }, { route: '/demo/centers', latency_ms: 1, times: 3 }] })
    expect(added.status).toBe(201)
    const [everything, slow] = added.json as { id: string }[]
    expect((await admin('GET', '/_emulator/faults')).json).toEqual([
      { id: everything?.id, route: '*', status: 502 },
      { id: slow?.id, route: '/demo/centers', latency_ms: 1, times: 3, remaining: 3 },
    ])
    expect((await api.raw('GET', '/demo/experiences')).status).toBe(502)
    expect((await admin('DELETE', `/_emulator/faults/${everything?.id ?? ''}`)).status).toBe(204)
    expect((await admin('DELETE', `/_emulator/faults/${everything?.id ?? ''}`)).status).toBe(404)
    expect((await api.raw('GET', '/demo/experiences')).status).toBe(200)
    expect((await admin('DELETE', '/_emulator/faults')).status).toBe(204)
    expect((await admin('GET', '/_emulator/faults')).json).toEqual([])

    const invalid = await admin('POST', '/_emulator/faults', { route: '*', status: 'soon' })
    expect([invalid.status, (invalid.json as { messages: string[] }).messages]).toEqual([422, ['fault rule: status must be an integer from 100 to 599, received "soon"']])
  })

  test('rules from code through the handle', async () => {
    const { emulator, api } = await setup()
    emulator.faults.add({ route: 'DELETE /:organization/catalog/items/:number', status: 500, times: 1 })
    expect((await api.raw('DELETE', '/demo/catalog/items/MUG-ENAMEL')).status).toBe(500)
    expect((await api.raw('GET', '/demo/catalog/items/MUG-ENAMEL')).status).toBe(200)
    expect((await api.raw('DELETE', '/demo/catalog/items/MUG-ENAMEL')).status).toBe(204)
  })
})

describe('fault rules from the command line', () => {
  test('key=value pairs and JSON', () => {
    expect(parseFaultFlag('route=POST /:organization/order-estimates,latency_ms=500')).toEqual({ route: 'POST /:organization/order-estimates', latency_ms: 500 })
    expect(parseFaultFlag('route=*,status=429,retry_after=2,times=3')).toEqual({ route: '*', status: 429, retry_after: 2, times: 3 })
    expect(parseFaultFlag('{"route":"*","body":"html"}')).toEqual({ route: '*', body: 'html' })
  })

  test('mistakes are named', () => {
    expect(() => parseFaultFlag('route=*')).toThrow('fault rule: give at least one of latency_ms, status or body')
    expect(() => parseFaultFlag('route=*,colour=red')).toThrow("fault rule: unknown field 'colour'")
    expect(() => parseFaultFlag('status')).toThrow('fault rule: expected key=value, received "status"')
    expect(() => parseFaultFlag('route=*,body=xml')).toThrow("fault rule: body must be 'malformed_json' or 'html', received \"xml\"")
    expect(() => parseFaultFlag('{"route":')).toThrow('is not valid JSON')
  })
})
