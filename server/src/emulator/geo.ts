// Which experience a request is for: named by the caller (`experience`, `country`, `ip`), taken
// from the shopper's session, or found by geolocating the request's address.
import type { EmulatorContext } from './context.js'
import { ApiError, notFound, type RequestContext } from './http.js'
import type { EmulatorState, ExperienceRecord } from './state.js'

/**
 * The country (ISO alpha-3) of an IP address in a geo table whose keys are exact addresses or
 * prefixes ending in '.' or ':' (the longest prefix wins). IPv4-mapped IPv6 addresses
 * ('::ffff:192.0.2.4') are read as IPv4.
 *
 * @example
 * lookupCountry({ '192.0.2.4': 'DEU', '198.51.100.': 'FRA' }, '198.51.100.7') // 'FRA'
 */
export function lookupCountry(table: Readonly<Record<string, string>>, ip: string): string | undefined {
  const address = ip.trim().replace(/^::ffff:(?=\d+\.)/i, '')
  if (table[address] !== undefined) return table[address]
  let best: string | undefined
  for (const key of Object.keys(table)) {
    if ((key.endsWith('.') || key.endsWith(':')) && address.startsWith(key) && (!best || key.length > best.length)) best = key
  }
  return best === undefined ? undefined : table[best]
}

/** The shopper's address: the first `X-Forwarded-For` entry, else the socket's remote address. */
export function requestIp(request: RequestContext): string {
  const forwarded = request.headers['x-forwarded-for']
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
  return first || request.remoteAddress
}

/** The country of an address through the configured table (options first, then the seed's). */
export function geolocate(context: EmulatorContext, ip: string): string | undefined {
  return lookupCountry(context.geoOverrides, ip) ?? lookupCountry(context.state.geo, ip)
}

/** The experience priced in the organization's base currency: the default for unknown places. */
export function baseExperience(state: EmulatorState): ExperienceRecord {
  const base = state.experiences.find((e) => e.currency === state.organization.base_currency && e.status === 'active')
  const fallback = base ?? state.experiences[0]
  if (!fallback) throw new ApiError(500, ['the organization has no experiences'])
  return fallback
}

/** An experience by key, or undefined. */
export function findExperience(state: EmulatorState, key: string): ExperienceRecord | undefined {
  return state.experiences.find((e) => e.key === key)
}

/** An experience by key, or a 404 naming it. */
export function requireExperience(state: EmulatorState, key: string): ExperienceRecord {
  const experience = findExperience(state, key)
  if (!experience) throw notFound(`experience '${key}'`)
  return experience
}

/** The active experience for a country (ISO alpha-3), else the base experience. */
export function experienceForCountry(state: EmulatorState, iso3: string | undefined): ExperienceRecord {
  const match = state.experiences
    .filter((e) => e.country === iso3 && e.status === 'active')
    .sort((a, b) => a.position - b.position)[0]
  return match ?? baseExperience(state)
}

/**
 * The experience a shopper call is for, from the query (`experience`, then `country`, then
 * `ip`), else the request's session, else geolocation of the request. A `currency` given must
 * be that experience's currency.
 *
 * @example
 * resolveExperience(context, request) // ?country=DE → the 'germany' experience
 */
export function resolveExperience(context: EmulatorContext, request: RequestContext): ExperienceRecord {
  const { state } = context
  const query = request.query
  const key = query.get('experience')
  const countryCode = query.get('country')
  const ip = query.get('ip')
  let experience: ExperienceRecord
  if (key) {
    const found = findExperience(state, key)
    if (!found) throw new ApiError(422, [`experience '${key}' is not an experience of ${state.organization.id}`])
    experience = found
  } else if (countryCode) {
    const country = context.ref.country(countryCode)
    if (!country) throw new ApiError(422, [`country '${countryCode}' is not an ISO 3166 country code`])
    experience = experienceForCountry(state, country.iso_3166_3)
  } else if (ip) {
    experience = experienceForCountry(state, geolocate(context, ip))
  } else if (request.session) {
    experience = findExperience(state, request.session.experience_key) ?? baseExperience(state)
  } else {
    experience = experienceForCountry(state, geolocate(context, requestIp(request)))
  }
  const currency = query.get('currency')
  if (currency && currency.toUpperCase() !== experience.currency) {
    throw new ApiError(422, [`currency '${currency}' is not the currency of experience '${experience.key}' (${experience.currency})`])
  }
  return experience
}
