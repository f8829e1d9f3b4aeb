// The local Flow API emulator: the spec subset's operations over in-memory state seeded with a
// demo organization, a hosted checkout page, signed webhook delivery and fault injection.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequestListener } from './app.js'
import type { EmulatorContext } from './context.js'
import { createWebhookDeliveries, type WebhookRetryOptions } from './delivery.js'
import { createFaultInjector, type FaultInjector, type FaultRule } from './faults.js'
import { loadReferenceData } from './reference.js'
import { routes } from './routes/index.js'
import { readSeed, stateFromSeed, type Seed } from './seed.js'
import { openState, type EmulatorState } from './state.js'

export type { FaultRule, FaultInjector, ActiveFault } from './faults.js'
export { parseFaultFlag, parseFaultRule } from './faults.js'
export type { WebhookRetryOptions } from './delivery.js'
export { signBody } from './delivery.js'
export type { DeliveryRecord, DeliveryRequest, EmulatorState } from './state.js'
export type { Seed } from './seed.js'

/** Options of {@link startEmulator}. */
export type StartEmulatorOptions = {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number
  /** Interface to listen on (default '127.0.0.1'; the emulator has no business on a public interface). */
  host?: string
  /** A seed file path, a parsed seed object, or (default) the demo seed `server/data/seed/demo.json`. */
  seed?: string | URL | Seed
  /** Keep the state in this JSON file across restarts (written after every change, atomically). */
  statePath?: string
  /** Fault rules active from the start (see {@link FaultRule}). */
  faults?: FaultRule[]
  /** Webhook retry settings that override the organization's webhook settings (to make tests fast). */
  webhookRetry?: WebhookRetryOptions
  /** Extra geo entries (IP or prefix ending in '.' or ':' → country code), consulted before the seed's table. */
  geo?: Record<string, string>
  /** The clock (default: the system clock). */
  now?: () => Date
}

/** A running emulator. */
export type RunningEmulator = {
  /** Base URL, e.g. 'http://127.0.0.1:51234'. */
  url: string
  /** The seeded organization id ('demo'). */
  organization: string
  /** The organization's API key: the Basic user name for merchant calls. */
  apiKey: string
  /** The hosted checkout page of a checkout token: `${url}/tokens/${id}`. */
  checkoutUrl(tokenId: string): string
  /** Add, list and clear fault rules from code (same as the `/_emulator/faults` endpoint). */
  faults: FaultInjector
  /** Resolves once no webhook delivery is in flight or waiting for a retry. */
  webhooksIdle(): Promise<void>
  /** The live state (read it in tests; change it through the API). */
  state(): EmulatorState
  /** Stops listening, stops webhook retries and writes the state file. */
  close(): Promise<void>
}

/**
 * Starts the Flow API emulator.
 *
 * @example
 * const emulator = await startEmulator({ port: 0, webhookRetry: { baseDelayMs: 10 } })
 * const auth = 'Basic ' + Buffer.from(emulator.apiKey + ':').toString('base64')
 * await fetch(`${emulator.url}/${emulator.organization}/experiences`, { headers: { authorization: auth } })
 * // → 200, the eight demo experiences
 * await emulator.close()
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? (() => new Date())
  const ref = loadReferenceData()
  const seed = readSeed(options.seed)
  const store = openState(() => stateFromSeed(seed, ref, now()), options.statePath)
  const geoOverrides: Record<string, string> = {}
  for (const [ip, code] of Object.entries(options.geo ?? {})) {
    const country = ref.country(code)
    if (!country) throw new TypeError(`startEmulator(): geo['${ip}'] = '${code}' is not an ISO 3166 country code.`)
    geoOverrides[ip] = country.iso_3166_3
  }
  const makeDeliveries = () => createWebhookDeliveries({ getState: () => store.state, save: store.save, now, retry: options.webhookRetry })

  const context: EmulatorContext = {
    store,
    get state() {
      return store.state
    },
    ref,
    url: '',
    geoOverrides,
    deliveries: makeDeliveries(),
    faults: createFaultInjector(options.faults),
    async reset() {
      await context.deliveries.close()
      store.state = stateFromSeed(seed, ref, now())
      context.deliveries = makeDeliveries()
      store.save()
    },
    now,
  }
  context.deliveries.resume()

  const server = createServer(createRequestListener(context, routes))
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  context.url = url

  return {
    url,
    organization: store.state.organization.id,
    apiKey: store.state.organization.api_key,
    checkoutUrl: (tokenId) => `${url}/tokens/${encodeURIComponent(tokenId)}`,
    faults: context.faults,
    webhooksIdle: () => context.deliveries.idle(),
    state: () => store.state,
    async close() {
      await context.deliveries.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      store.save()
    },
  }
}
