// `GET /session/start?flow_country=XX&return=/path`: a country change without JavaScript. The
// shopper's Flow session moves to the country (or a new one starts), `_f60_session` is set, and
// the shopper goes back to a path of this site: never to another origin.
import type { FlowClient } from '../client/index.js'
import { isFlowApiError } from '../client/index.js'
import { errorMessage, silentLogger, type Logger } from '../log.js'
import { SESSION_COOKIE, sessionCookie } from './checkout.js'
import { json, parseCookies, redirect, toFetchHandler, toNodeHandler, type EndpointAnswer, type EndpointRequest } from './http.js'

/**
 * Options of `createSessionStartEndpoint`.
 *
 * @example
 * const options: SessionStartOptions = { client: flow, secureCookies: true, cookieDomain: '.shop.example' }
 */
export type SessionStartOptions = {
  client: Pick<FlowClient, 'createSession' | 'putSession'>
  secureCookies?: boolean
  cookieDomain?: string
  logger?: Logger
}

/**
 * The session-start endpoint.
 *
 * @example
 * const start = createSessionStartEndpoint({ client: flow })
 * // GET /session/start?flow_country=FRA&return=/shoes?page=2 → 303 Location: /shoes?page=2, Set-Cookie: _f60_session=…
 */
export type SessionStartEndpoint = {
  handle(request: EndpointRequest): Promise<EndpointAnswer>
  handleNode: ReturnType<typeof toNodeHandler>
  handleRequest: ReturnType<typeof toFetchHandler>
}

const COUNTRY = /^[A-Za-z]{2,3}$/
const SESSION_ID = /^[A-Za-z0-9._-]{1,200}$/

/**
 * The same-origin path a `return` parameter names, or undefined when it would leave the site
 * (`//evil.example`, `/\evil.example`, `https://…`, control characters, …).
 *
 * @example
 * sameOriginPath('/cart?x=1') // '/cart?x=1'
 * sameOriginPath('//evil.example/') // undefined
 */
export function sameOriginPath(value: string): string | undefined {
  // Browsers treat `\` as `/` and drop tabs and newlines, so `/\evil` and `/\t/evil` are other hosts.
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || [...value].some(isControl)) return undefined
  const base = 'http://same-origin.invalid'
  let url: URL
  try {
    url = new URL(value, base)
  } catch {
    return undefined
  }
  if (url.origin !== base) return undefined
  return `${url.pathname}${url.search}${url.hash}`
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0)
  return code < 0x20 || code === 0x7f
}

/**
 * Creates `GET /session/start`.
 *
 * @example
 * http.createServer((req, res) => void createSessionStartEndpoint({ client: flow }).handleNode(req, res))
 */
export function createSessionStartEndpoint(options: SessionStartOptions): SessionStartEndpoint {
  const logger = options.logger ?? silentLogger
  const cookie = (id: string) => sessionCookie(id, { ...(options.secureCookies ? { secure: true } : {}), ...(options.cookieDomain === undefined ? {} : { domain: options.cookieDomain }) })

  async function handle(request: EndpointRequest): Promise<EndpointAnswer> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, { code: 'method_not_allowed', message: 'use GET' }, { allow: 'GET' })
    const country = request.url.searchParams.get('flow_country') ?? ''
    if (!COUNTRY.test(country)) return json(400, { code: 'invalid_country', message: 'flow_country must be an ISO 3166 code such as FRA or FR' })
    const returnTo = sameOriginPath(request.url.searchParams.get('return') ?? '/')
    if (returnTo === undefined) return json(400, { code: 'invalid_return', message: 'return must be a path of this site, such as /cart' })
    const existing = parseCookies(request.headers.cookie)[SESSION_COOKIE]
    const form = { country: country.toUpperCase() }
    try {
      if (existing !== undefined && SESSION_ID.test(existing)) {
        try {
          const session = await options.client.putSession(existing, form)
          logger.info('session.country_changed', { country: form.country })
          return redirect(returnTo, { 'set-cookie': cookie(session.id) })
        } catch (error) {
          // An expired or unknown session: start a new one below.
          if (!(isFlowApiError(error) && error.code === 'http' && (error.status === 404 || error.status === 401))) throw error
        }
      }
      const session = await options.client.createSession(form)
      logger.info('session.started', { country: form.country })
      return redirect(returnTo, { 'set-cookie': cookie(session.id) })
    } catch (error) {
      // The shopper still gets the page back (in the previous country); the developer gets a warning.
      logger.warn('session.start_failed', { country: form.country, error: errorMessage(error) })
      return redirect(returnTo)
    }
  }

  return { handle, handleNode: toNodeHandler(handle), handleRequest: toFetchHandler(handle) }
}
