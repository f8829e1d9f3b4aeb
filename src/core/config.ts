import { FlowStorefrontError } from './errors.js'
import { sharedValue } from './stores.js'

/** Everything a page may configure. All but `organization` have defaults. */
export type Config = {
  /** Flow organization id, e.g. `'demo'`. */
  organization: string
  /** Flow API origin for shopper calls (sessions, localized items, order estimates). */
  apiUrl: string
  /** The `fetch` to use (tests and SSR inject their own). */
  fetch?: typeof fetch
  /** Per-attempt timeout of one API call, in ms. */
  timeoutMs: number
  /** The longest a price may stay hidden while it waits, in ms; then base prices show (fail-open). */
  pricingTimeoutMs: number
  /** Where localized prices are kept between pages: `'auto'` = IndexedDB, else memory. */
  cache: 'auto' | 'indexeddb' | 'memory' | 'none'
  /** How long cached prices are used before they are revalidated, in ms. */
  cacheTtlMs: number
  /** User agents that get no session and base prices (search and ads crawlers: see README "Bots"). */
  botPattern: RegExp
  /** Reload the page after a country change instead of updating it in place (server-rendered platforms). */
  reloadOnChange: boolean
  /** Optional URL of prebuilt price documents, `{experience}` replaced by the key (server adapter `/prices/{experience}.json`). */
  priceDocumentUrl?: string
  /** The merchant's checkout endpoint on the server adapter (`POST /checkout`). */
  checkoutUrl?: string
}

export type ConfigOptions = Partial<Config>

const DEFAULTS: Omit<Config, 'organization'> = {
  apiUrl: 'https://api.flow.io',
  timeoutMs: 5000,
  pricingTimeoutMs: 2000,
  cache: 'auto',
  cacheTtlMs: 60 * 60 * 1000,
  botPattern: /bot|crawl|spider|slurp|mediapartners|adsbot|lighthouse|headlesschrome\/.*pagespeed|facebookexternalhit|embedly|preview/i,
  reloadOnChange: false,
}

type State = { config: ConfigOptions }
const state = (): State => sharedValue<State>('config', () => ({ config: {} }))

/**
 * Sets options for every feature on the page (merged into what was set before). Wrong types throw a
 * `TypeError` naming the option.
 *
 * @example
 * configure({ organization: 'demo', apiUrl: 'http://127.0.0.1:7070' })
 * getConfig().pricingTimeoutMs // 2000
 */
export function configure(options: ConfigOptions): Config {
  checkOptions(options)
  const current = state()
  current.config = { ...current.config, ...options }
  return getConfig()
}

/**
 * The effective configuration (what was set, over the defaults); throws a `config` error when no
 * organization was set.
 *
 * @example
 * configure({ organization: 'demo' })
 * getConfig().apiUrl // 'https://api.flow.io'
 */
export function getConfig(): Config {
  const { config } = state()
  if (!config.organization) {
    throw new FlowStorefrontError(
      'config',
      'flow-storefront: no organization configured. Call configure({ organization: "your-org" }) or set data-organization on the script tag.',
    )
  }
  return { ...DEFAULTS, ...config } as Config
}

const KINDS: Record<keyof Config, string> = {
  organization: 'string',
  apiUrl: 'string',
  fetch: 'function',
  timeoutMs: 'number',
  pricingTimeoutMs: 'number',
  cache: 'string',
  cacheTtlMs: 'number',
  botPattern: 'object',
  reloadOnChange: 'boolean',
  priceDocumentUrl: 'string',
  checkoutUrl: 'string',
}

function checkOptions(options: ConfigOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`configure(): expected an options object, received ${String(options)}`)
  }
  for (const [name, value] of Object.entries(options)) {
    const kind = KINDS[name as keyof Config]
    if (!kind) throw new TypeError(`configure(): unknown option "${name}". Known options: ${Object.keys(KINDS).join(', ')}`)
    if (value === undefined) continue
    const ok =
      kind === 'number'
        ? typeof value === 'number' && Number.isFinite(value) && value >= 0
        : kind === 'object'
          ? value instanceof RegExp
          : typeof value === kind
    if (!ok) throw new TypeError(`configure(): option "${name}" expected ${kind === 'object' ? 'a RegExp' : `a ${kind}`}, received ${JSON.stringify(value) ?? typeof value}`)
  }
  if (options.cache !== undefined && !['auto', 'indexeddb', 'memory', 'none'].includes(options.cache)) {
    throw new TypeError(`configure(): option "cache" expected 'auto' | 'indexeddb' | 'memory' | 'none', received "${options.cache}"`)
  }
  if (options.organization !== undefined && !/^[a-z0-9][a-z0-9-]*$/i.test(options.organization)) {
    throw new TypeError(`configure(): option "organization" expected a Flow organization id like "demo", received "${options.organization}"`)
  }
}

/** Test helper: forget everything configured on this page. */
export function resetConfig(): void {
  state().config = {}
}
