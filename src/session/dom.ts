// Everything the session needs from the page: the cookie, the URL, the persisted snapshot the
// head snippet reads, other tabs, prerendering and the user agent. Each function degrades to a
// no-op where the browser refuses (storage blocked, no BroadcastChannel, SSR).
import type { Session } from './session.js'

export const COOKIE = '_f60_session'
/** localStorage key of the session snapshot; the head snippet reads it synchronously. */
export const SNAPSHOT_KEY = 'flow-storefront:session'
const CHANNEL = 'flow-storefront'

/** The session id in the `_f60_session` cookie, if any. */
export function readSessionCookie(): string | undefined {
  if (typeof document === 'undefined') return undefined
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === COOKIE) return decodeURIComponent(rest.join('=')) || undefined
  }
  return undefined
}

/** Writes `_f60_session` for a year: path `/`, `SameSite=Lax`, `Secure` on https. */
export function writeSessionCookie(id: string): void {
  if (typeof document === 'undefined') return
  const secure = location.protocol === 'https:' ? '; Secure' : ''
  document.cookie = `${COOKIE}=${encodeURIComponent(id)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`
}

export type UrlChoice = { country?: string; experience?: string; disabled: boolean }

/** Reads `flow_country`, `flow_experience` and `flow_enabled=false` from the page URL. */
export function readUrlChoice(): UrlChoice {
  if (typeof location === 'undefined') return { disabled: false }
  const params = new URLSearchParams(location.search)
  const choice: UrlChoice = { disabled: params.get('flow_enabled') === 'false' }
  const country = params.get('flow_country')
  const experience = params.get('flow_experience')
  if (country) choice.country = country
  if (experience) choice.experience = experience
  return choice
}

/** The page URL without `flow_*` parameters (used for reloads, so a reload does not switch again). */
export function urlWithoutFlowParams(): string {
  const url = new URL(location.href)
  for (const name of [...url.searchParams.keys()]) if (name.startsWith('flow_')) url.searchParams.delete(name)
  return url.toString()
}

/** The snapshot persisted by the last page, or undefined (none, unreadable, or another organization). */
export function readSnapshot(organization: string): Session | undefined {
  try {
    const raw = localStorage.getItem(SNAPSHOT_KEY)
    const snapshot = raw ? (JSON.parse(raw) as Session) : undefined
    return snapshot && snapshot.organization === organization && typeof snapshot.experience === 'string' ? snapshot : undefined
  } catch {
    return undefined
  }
}

/** Persists the snapshot for the next page and the head snippet; silently skipped when storage is blocked. */
export function writeSnapshot(session: Session | undefined): void {
  try {
    if (session) localStorage.setItem(SNAPSHOT_KEY, JSON.stringify(session))
    else localStorage.removeItem(SNAPSHOT_KEY)
  } catch {
    // Private modes and sandboxed iframes refuse storage: the session still works for this page.
  }
}

/** Tells other tabs of this origin that the session changed. */
export function broadcast(session: Session): void {
  try {
    const channel = new BroadcastChannel(CHANNEL)
    channel.postMessage(session)
    channel.close()
  } catch {
    // No BroadcastChannel: the `storage` event of writeSnapshot reaches the other tabs instead.
  }
}

/** Calls `listener` when another tab changes the session; returns the function that stops listening. */
export function onOtherTab(listener: (session: Session) => void): () => void {
  const stops: (() => void)[] = []
  try {
    const channel = new BroadcastChannel(CHANNEL)
    channel.onmessage = (event: MessageEvent<Session>) => listener(event.data)
    stops.push(() => channel.close())
  } catch {
    // Fall through to the storage event below.
  }
  const onStorage = (event: StorageEvent): void => {
    if (event.key !== SNAPSHOT_KEY || !event.newValue) return
    try {
      listener(JSON.parse(event.newValue) as Session)
    } catch {
      // A foreign or corrupt value: ignore it.
    }
  }
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', onStorage)
    stops.push(() => window.removeEventListener('storage', onStorage))
  }
  return () => stops.forEach((stop) => stop())
}

/** True when the user agent matches the bot pattern (crawlers get base prices and no session). */
export function isBot(pattern: RegExp): boolean {
  return typeof navigator !== 'undefined' && pattern.test(navigator.userAgent)
}

/** Resolves once the page is shown: at once, or when a prerendered page is activated. */
export function whenShown(): Promise<void> {
  const doc = typeof document === 'undefined' ? undefined : (document as Document & { prerendering?: boolean })
  if (!doc?.prerendering) return Promise.resolve()
  return new Promise((resolve) => doc.addEventListener('prerenderingchange', () => resolve(), { once: true }))
}

/** Reloads the page without `flow_*` parameters. */
export function reloadPage(): void {
  location.replace(urlWithoutFlowParams())
}
