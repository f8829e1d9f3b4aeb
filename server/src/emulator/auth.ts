// Authentication as the project's design uses Flow: HTTP Basic with the API key (empty
// password) for the merchant, `Authorization: Session <id>` for the shopper's browser.
import { ApiError, type Access } from './http.js'
import type { EmulatorState, SessionRecord } from './state.js'

/** Who the caller is: nobody, the merchant (API key) or a shopper's session. */
export type Caller = { kind: 'anonymous' } | { kind: 'merchant' } | { kind: 'session'; session: SessionRecord }

/**
 * Checks the `Authorization` header against the route's access level and returns the caller, or
 * throws a 401 saying what is wrong (never echoing the credential).
 *
 * @example
 * authenticate('Basic ' + btoa(apiKey + ':'), 'merchant', state) // { kind: 'merchant' }
 * authenticate(undefined, 'merchant', state) // throws ApiError 401
 * authenticate('Session ses-…', 'shopper', state) // { kind: 'session', session }
 */
export function authenticate(header: string | undefined, access: Access, state: EmulatorState): Caller {
  if (access === 'public' || access === 'admin') return { kind: 'anonymous' }
  const caller = identify(header, state)
  if (access === 'merchant' && caller.kind !== 'merchant') {
    const problem =
      caller.kind === 'anonymous' ? 'no Authorization header' : 'a shopper session cannot call this merchant endpoint'
    throw unauthorized(`${problem}. Use HTTP Basic with the organization's API key as the user name and an empty password`)
  }
  return caller
}

function identify(header: string | undefined, state: EmulatorState): Caller {
  if (header === undefined || header.trim() === '') return { kind: 'anonymous' }
  const [scheme = '', ...rest] = header.trim().split(/\s+/)
  const value = rest.join(' ')
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const user = colon === -1 ? decoded : decoded.slice(0, colon)
    const password = colon === -1 ? '' : decoded.slice(colon + 1)
    if (user !== state.organization.api_key) throw unauthorized('the API key in the Basic credentials is not valid for this organization')
    if (password !== '') throw unauthorized('the Basic password must be empty (Flow uses the API key as the user name only)')
    return { kind: 'merchant' }
  }
  if (scheme.toLowerCase() === 'session') {
    const session = state.sessions[value]
    if (!session) throw unauthorized('the session in the Authorization header does not exist (create one with POST /sessions/organizations/:organization)')
    return { kind: 'session', session }
  }
  throw unauthorized(`the Authorization scheme '${scheme}' is not supported; use Basic (API key) or Session (session id)`)
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, [`Unauthorized: ${message}.`])
}
