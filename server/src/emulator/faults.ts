// Fault injection: make chosen routes slow, fail, rate-limit or answer garbage, so clients can
// prove they cope. Rules are deterministic: "the next N requests" (`times`) or a rate drawn from
// a seeded generator, never Math.random.

/**
 * A fault rule. `route` picks the requests: `'*'` (every API route), a route pattern as the spec
 * writes it (`'/:organization/experiences/items'`) or a concrete path (`'/demo/experiences/items'`),
 * optionally after a method (`'POST /:organization/order-estimates'`). Then any of:
 * - `latency_ms`: wait before answering (the request is then served normally unless another field applies);
 * - `status`: answer this status (5xx, 429, …) with a `generic_error` body, without serving the request;
 * - `retry_after`: seconds for the `Retry-After` header (defaults to 1 for a 429);
 * - `body: 'malformed_json'`: serve the request, then send its JSON cut in half (status unchanged);
 * - `body: 'html'`: answer 200 with an HTML page instead of JSON, without serving the request.
 * `rate` (0–1) applies the rule to that share of the matching requests, drawn from a generator
 * seeded with `seed` (default 1), so a run is repeatable; `times` removes the rule after it has
 * fired N times (without `rate`: exactly the next N matching requests).
 *
 * @example
 * { route: 'GET /:organization/experiences/items', status: 503, times: 2 }
 * { route: '*', status: 429, retry_after: 3, times: 1 }
 * { route: '/demo/order-estimates', latency_ms: 1500 }
 * { route: '*', status: 500, rate: 0.2, seed: 42 }
 */
export type FaultRule = {
  route: string
  latency_ms?: number
  status?: number
  retry_after?: number
  body?: 'malformed_json' | 'html'
  times?: number
  rate?: number
  seed?: number
}

/** A rule as the admin endpoint lists it: with its id and how many more times it will fire. */
export type ActiveFault = FaultRule & { id: string; remaining?: number }

/** What to do to one request. */
export type FaultAction = { latency_ms: number; status?: number; retry_after?: number; body?: 'malformed_json' | 'html' }

/** The active rules and the decision for each request. */
export type FaultInjector = {
  add(rule: FaultRule): ActiveFault
  remove(id: string): boolean
  clear(): void
  list(): ActiveFault[]
  /** The faults for a request (matching rules combined; the first rule with a status or body wins). */
  decide(method: string, path: string, pattern: string): FaultAction | undefined
}

/**
 * Checks a fault rule (from options, a CLI flag or the admin endpoint) and returns it typed, or
 * throws a TypeError naming the field.
 *
 * @example
 * parseFaultRule({ route: '*', status: 503, times: 1 }) // { route: '*', status: 503, times: 1 }
 * parseFaultRule({ route: '*', status: 'x' }) // throws TypeError: fault rule: status must be an integer from 100 to 599, received "x"
 */
export function parseFaultRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`fault rule: expected an object such as { "route": "*", "status": 503 }, received ${JSON.stringify(value)}`)
  }
  const v = value as Record<string, unknown>
  const known = ['route', 'latency_ms', 'status', 'retry_after', 'body', 'times', 'rate', 'seed']
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) throw new TypeError(`fault rule: unknown field '${key}' (known: ${known.join(', ')})`)
  }
  const int = (name: string, min: number, max: number) => {
    const x = v[name]
    if (x === undefined) return undefined
    if (!Number.isSafeInteger(x) || (x as number) < min || (x as number) > max) {
      throw new TypeError(`fault rule: ${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(x)}`)
    }
    return x as number
  }
  if (typeof v.route !== 'string' || v.route.trim() === '') {
    throw new TypeError(`fault rule: route must be '*', a route pattern or a path (optionally after a method), received ${JSON.stringify(v.route)}`)
  }
  const rule: FaultRule = { route: v.route.trim() }
  const latency = int('latency_ms', 0, 600_000)
  const status = int('status', 100, 599)
  const retryAfter = int('retry_after', 0, 86_400)
  const times = int('times', 1, Number.MAX_SAFE_INTEGER)
  const seed = int('seed', 0, 2 ** 32 - 1)
  if (latency !== undefined) rule.latency_ms = latency
  if (status !== undefined) rule.status = status
  if (retryAfter !== undefined) rule.retry_after = retryAfter
  if (times !== undefined) rule.times = times
  if (seed !== undefined) rule.seed = seed
  if (v.body !== undefined) {
    if (v.body !== 'malformed_json' && v.body !== 'html') {
      throw new TypeError(`fault rule: body must be 'malformed_json' or 'html', received ${JSON.stringify(v.body)}`)
    }
    rule.body = v.body
  }
  if (v.rate !== undefined) {
    if (typeof v.rate !== 'number' || !(v.rate >= 0 && v.rate <= 1)) {
      throw new TypeError(`fault rule: rate must be a number from 0 to 1, received ${JSON.stringify(v.rate)}`)
    }
    rule.rate = v.rate
  }
  if (rule.status !== undefined && rule.body !== undefined) {
    throw new TypeError('fault rule: give either status or body, not both')
  }
  if (rule.latency_ms === undefined && rule.status === undefined && rule.body === undefined) {
    throw new TypeError('fault rule: give at least one of latency_ms, status or body')
  }
  return rule
}

/**
 * Reads a fault rule written on the command line: JSON (`{"route":"*","status":503}`) or
 * comma-separated `key=value` pairs (`route=*,status=503,times=2`).
 *
 * @example
 * parseFaultFlag('route=POST /:organization/order-estimates,latency_ms=500')
 * // { route: 'POST /:organization/order-estimates', latency_ms: 500 }
 */
export function parseFaultFlag(text: string): FaultRule {
  if (text.trim().startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new TypeError(`fault rule: ${JSON.stringify(text)} is not valid JSON`)
    }
    return parseFaultRule(parsed)
  }
  const object: Record<string, unknown> = {}
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=')
    if (eq === -1) throw new TypeError(`fault rule: expected key=value, received ${JSON.stringify(pair)}`)
    const key = pair.slice(0, eq).trim()
    const raw = pair.slice(eq + 1).trim()
    object[key] = key === 'route' || key === 'body' || Number.isNaN(Number(raw)) ? raw : Number(raw)
  }
  return parseFaultRule(object)
}

/**
 * Creates the fault injector, with optional starting rules.
 *
 * @example
 * const faults = createFaultInjector([{ route: '*', status: 503, times: 1 }])
 * faults.decide('GET', '/demo/experiences', '/:organization/experiences') // { latency_ms: 0, status: 503 }
 * faults.decide('GET', '/demo/experiences', '/:organization/experiences') // undefined
 */
export function createFaultInjector(initial: readonly FaultRule[] = []): FaultInjector {
  type Entry = { id: string; rule: FaultRule; remaining: number | undefined; random: () => number }
  let entries: Entry[] = []
  let nextId = 1

  const injector: FaultInjector = {
    add(rule) {
      const checked = parseFaultRule(rule)
      const entry: Entry = { id: `flt-${nextId++}`, rule: checked, remaining: checked.times, random: mulberry32(checked.seed ?? 1) }
      entries.push(entry)
      return describe(entry)
    },
    remove(id) {
      const before = entries.length
      entries = entries.filter((e) => e.id !== id)
      return entries.length !== before
    },
    clear() {
      entries = []
    },
    list: () => entries.map(describe),
    decide(method, path, pattern) {
      let action: FaultAction | undefined
      for (const entry of entries) {
        if (!matches(entry.rule.route, method, path, pattern)) continue
        if (entry.rule.rate !== undefined && entry.random() >= entry.rule.rate) continue
        if (entry.remaining !== undefined) entry.remaining -= 1
        action ??= { latency_ms: 0 }
        action.latency_ms += entry.rule.latency_ms ?? 0
        if (action.status === undefined && action.body === undefined) {
          if (entry.rule.status !== undefined) {
            action.status = entry.rule.status
            const retryAfter = entry.rule.retry_after ?? (entry.rule.status === 429 ? 1 : undefined)
            if (retryAfter !== undefined) action.retry_after = retryAfter
          }
          if (entry.rule.body !== undefined) action.body = entry.rule.body
        }
      }
      entries = entries.filter((e) => e.remaining === undefined || e.remaining > 0)
      return action
    },
  }
  for (const rule of initial) injector.add(rule)
  return injector

  function describe(entry: Entry): ActiveFault {
    return { id: entry.id, ...entry.rule, ...(entry.remaining === undefined ? {} : { remaining: entry.remaining }) }
  }
}

function matches(route: string, method: string, path: string, pattern: string): boolean {
  const space = route.indexOf(' ')
  const ruleMethod = space === -1 ? undefined : route.slice(0, space).toUpperCase()
  const rulePath = space === -1 ? route : route.slice(space + 1).trim()
  if (ruleMethod !== undefined && ruleMethod !== method) return false
  return rulePath === '*' || rulePath === pattern || rulePath === path
}

/** A small seeded generator (mulberry32): the same seed gives the same sequence in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
