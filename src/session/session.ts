import { getConfig } from '../core/config.js'
import { emit } from '../core/events.js'
import { isFlowStorefrontError } from '../core/errors.js'
import { configuredHttp } from '../core/http.js'
import type { CurrencyFormat } from '../core/money.js'
import { sharedAtom, sharedValue } from '../core/stores.js'
import {
  broadcast,
  isBot,
  onOtherTab,
  readSessionCookie,
  readSnapshot,
  readUrlChoice,
  reloadPage,
  whenShown,
  writeSessionCookie,
  writeSnapshot,
} from './dom.js'

/** The shopper's Flow session, flattened to what pages need. */
export type Session = {
  id: string
  organization: string
  /** Experience key, e.g. `'germany'`. */
  experience: string
  /** ISO 3166 alpha-3 country of the experience, as Flow.js reports it (`'DEU'`). */
  country: string
  currency: string
  language: string
  locale: string
  format: CurrencyFormat
}

/**
 * The active session, or `undefined` before it is known, for bots, and when localization is off
 * (`?flow_enabled=false`). Shared by every copy of the SDK on the page.
 *
 * @example
 * $session.subscribe((session) => console.log(session?.currency)) // 'EUR'
 */
export const $session = sharedAtom<Session | undefined>('session', undefined)

/** The subset of Flow's `organization_session` the SDK reads. */
type FlowSession = {
  id: string
  organization: string
  local?: {
    experience: { key: string; country: string; currency: string; language: string }
    country?: { iso_3166_3: string }
    currency?: { iso_4217_3: string }
    language?: { iso_639_2: string }
    locale: { id: string }
  }
  experience?: { key: string; country: string; currency: string; language: string }
  format?: { currency: CurrencyFormat }
}

type SessionState = { started?: Promise<Session | undefined> | undefined; stopSync?: (() => void) | undefined }
const state = (): SessionState => sharedValue<SessionState>('session-state', () => ({}))

const http = () =>
  configuredHttp(() => {
    const id = $session.get()?.id ?? readSessionCookie()
    return id ? `Session ${id}` : undefined
  })

/**
 * Starts (or resumes) the shopper's session once per page: from `flow_country` /
 * `flow_experience` in the URL, else the `_f60_session` cookie, else a new session placed by Flow's
 * geolocation. The snapshot of the last page is published at once, so cached prices can paint
 * before any request. Resolves to `undefined` for bots, `flow_enabled=false`, or when Flow cannot
 * be reached and there is no snapshot — the page then keeps its base prices. Never rejects.
 *
 * @example
 * configure({ organization: 'demo' })
 * const session = await startSession() // { experience: 'germany', country: 'DEU', currency: 'EUR', ... }
 */
export function startSession(): Promise<Session | undefined> {
  const current = state()
  current.started ??= resolveSession().then(
    (session) => {
      emit('ready', { experience: session?.experience })
      return session
    },
    (error: unknown) => {
      // Not cached: the next call tries again.
      current.started = undefined
      report(error)
      return undefined
    },
  )
  return current.started
}

// Everything before the first `await` runs synchronously inside startSession().
async function resolveSession(): Promise<Session | undefined> {
  const config = getConfig()
  const choice = readUrlChoice()
  if (choice.disabled || isBot(config.botPattern)) {
    $session.set(undefined)
    return undefined
  }
  // The last page's snapshot is published synchronously, before any await: prices cached for its
  // experience can be written while Flow is still being asked.
  const snapshot = readSnapshot(config.organization)
  const switching = choice.country !== undefined || choice.experience !== undefined
  if (snapshot && !switching) $session.set(snapshot)
  // A prerendered page makes no request until it is shown.
  await whenShown()
  listenToOtherTabs()
  const id = readSessionCookie() ?? snapshot?.id
  const form = { ...(choice.country ? { country: choice.country } : {}), ...(choice.experience ? { experience: choice.experience } : {}) }
  try {
    let flow: FlowSession | undefined
    if (id && switching) flow = await http().put<FlowSession>(`sessions/${encodeURIComponent(id)}`, form)
    else if (id) flow = await http().get<FlowSession>(`sessions/${encodeURIComponent(id)}`).catch(notFoundAsUndefined)
    flow ??= await http().post<FlowSession>(`sessions/organizations/${encodeURIComponent(config.organization)}`, form)
    return apply(flow)
  } catch (error) {
    report(error)
    // Flow unreachable: keep the last known experience if there is one, else base prices.
    return snapshot && !switching ? snapshot : undefined
  }
}

/**
 * What this page's session will be asked for, known before any request: `undefined` when the page
 * gets no session (bots, `flow_enabled=false`), else the URL's country or experience, if any (none
 * means Flow's geolocation decides). Lets a first visit ask for prices in parallel with its session.
 *
 * @example
 * sessionChoice() // { country: 'DE' } on ?flow_country=DE
 */
export function sessionChoice(): { country?: string; experience?: string } | undefined {
  const choice = readUrlChoice()
  if (choice.disabled || isBot(getConfig().botPattern)) return undefined
  return { ...(choice.country ? { country: choice.country } : {}), ...(choice.experience ? { experience: choice.experience } : {}) }
}

/**
 * Switches the shopper to the experience of a country (ISO alpha-2 or alpha-3), in place: every
 * localized element on the page updates without a reload, unless `reloadOnChange` is configured.
 * Other tabs follow. Rejects with a `FlowStorefrontError` when Flow refuses the country.
 *
 * @example
 * await setCountry('JP') // $session.get().currency === 'JPY'
 */
export function setCountry(country: string): Promise<Session> {
  if (typeof country !== 'string' || !/^[A-Za-z]{2,3}$/.test(country)) {
    return Promise.reject(new TypeError(`setCountry(): expected an ISO 3166 country code like "DE" or "DEU", received ${JSON.stringify(country)}`))
  }
  return update({ country: country.toUpperCase() })
}

/**
 * Switches the shopper to an experience by key, in place (see {@link setCountry}).
 *
 * @example
 * await setExperience('canada') // $session.get().currency === 'CAD'
 */
export function setExperience(experience: string): Promise<Session> {
  if (typeof experience !== 'string' || experience.length === 0) {
    return Promise.reject(new TypeError(`setExperience(): expected an experience key like "canada", received ${JSON.stringify(experience)}`))
  }
  return update({ experience })
}

async function update(form: { country?: string; experience?: string }): Promise<Session> {
  await startSession()
  const config = getConfig()
  const id = $session.get()?.id ?? readSessionCookie()
  const flow = id
    ? await http().put<FlowSession>(`sessions/${encodeURIComponent(id)}`, form)
    : await http().post<FlowSession>(`sessions/organizations/${encodeURIComponent(config.organization)}`, form)
  const session = apply(flow)
  broadcast(session)
  if (config.reloadOnChange) reloadPage()
  return session
}

function apply(flow: FlowSession): Session {
  const session = toSession(flow)
  writeSessionCookie(session.id)
  writeSnapshot(session)
  const previous = $session.get()
  $session.set(session)
  if (previous?.experience !== session.experience) {
    emit('sessionChanged', { experience: session.experience, country: session.country, currency: session.currency })
  }
  return session
}

/**
 * Flattens Flow's `organization_session` to a {@link Session}. Throws a `parse` error when the
 * session has no experience (Flow answered, but not with a usable session).
 */
export function toSession(flow: FlowSession): Session {
  const local = flow.local
  const experience = local?.experience ?? flow.experience
  if (!flow.id || !experience) {
    throw new TypeError('startSession(): Flow answered with a session that has no experience. Check the organization has an active experience for this country.')
  }
  return {
    id: flow.id,
    organization: flow.organization,
    experience: experience.key,
    country: local?.country?.iso_3166_3 ?? experience.country,
    currency: local?.currency?.iso_4217_3 ?? experience.currency,
    language: local?.language?.iso_639_2 ?? experience.language,
    locale: local?.locale.id ?? experience.language,
    format: { symbol: flow.format?.currency.symbol ?? 'primary', label_formatters: flow.format?.currency.label_formatters ?? [] },
  }
}

function listenToOtherTabs(): void {
  const current = state()
  current.stopSync ??= onOtherTab((session) => {
    const previous = $session.get()
    if (previous?.id === session.id && previous.experience === session.experience) return
    $session.set(session)
    emit('sessionChanged', { experience: session.experience, country: session.country, currency: session.currency })
  })
}

function notFoundAsUndefined(error: unknown): undefined {
  // An expired or foreign session id: start a new one rather than fail.
  if (isFlowStorefrontError(error) && error.status === 404) return undefined
  throw error
}

function report(error: unknown): void {
  const code = isFlowStorefrontError(error) ? error.code : 'unknown'
  const message = error instanceof Error ? error.message : String(error)
  emit('error', { code, message, error })
}

/** Test helper: forget the page's session state (not the cookie or snapshot). */
export function resetSessionState(): void {
  const current = state()
  current.stopSync?.()
  current.started = undefined
  current.stopSync = undefined
  $session.set(undefined)
}
