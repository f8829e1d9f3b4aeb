// Registration of the seven webhooks at `{baseUrl}/webhooks/{event_type}` and the organization's
// webhook settings (the signing secret, with rotation). Both are idempotent: running them again
// changes nothing that is already right.
import { randomBytes } from 'node:crypto'
import type { FlowClient, Webhook } from '../client/index.js'
import { getSetting, setSetting } from '../store/settings.js'
import type { Db } from '../store/sqlite.js'
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './events.js'

/**
 * What `registerWebhooks` did for one event type.
 *
 * @example
 * const row: WebhookRegistration = { event: 'order_placed', url: 'https://shop.example/webhooks/order_placed', id: 'whk-1', action: 'created' }
 */
export type WebhookRegistration = {
  event: WebhookEventType
  url: string
  id: string
  action: 'created' | 'updated' | 'unchanged'
  /** Other webhooks with the same URL (left alone; deliveries to them are deduplicated). */
  duplicates?: string[]
}

/**
 * The URL a webhook type is registered at.
 *
 * @example
 * webhookUrl('https://shop.example/flow/', 'order_placed') // 'https://shop.example/flow/webhooks/order_placed'
 */
export function webhookUrl(baseUrl: string, type: string): string {
  return `${checkBaseUrl('webhookUrl()', baseUrl)}/webhooks/${type}`
}

/**
 * Registers the seven event types, each at `{baseUrl}/webhooks/{type}`: reads every page of the
 * organization's webhooks, updates the one whose URL matches (when its events differ) and creates
 * the missing ones. Running it twice changes nothing the second time.
 *
 * @example
 * const rows = await registerWebhooks(flow, 'https://shop.example')
 * // [{ event: 'order_placed', url: 'https://shop.example/webhooks/order_placed', id: 'whk-…', action: 'created' }, …]
 */
export async function registerWebhooks(
  client: Pick<FlowClient, 'listAllWebhooks' | 'createWebhook' | 'putWebhook'>,
  baseUrl: string,
  options: { events?: readonly WebhookEventType[] } = {},
): Promise<WebhookRegistration[]> {
  const base = checkBaseUrl('registerWebhooks()', baseUrl)
  const existing: Webhook[] = await client.listAllWebhooks()
  const results: WebhookRegistration[] = []
  for (const event of options.events ?? WEBHOOK_EVENT_TYPES) {
    const url = `${base}/webhooks/${event}`
    const matches = existing.filter((webhook) => webhook.url === url)
    const [match, ...others] = matches
    const duplicates = others.length > 0 ? { duplicates: others.map((w) => w.id) } : {}
    if (match === undefined) {
      const created = await client.createWebhook({ url, events: [event] }, { idempotencyKey: `register-webhook:${url}` })
      results.push({ event, url, id: created.id, action: 'created', ...duplicates })
    } else if (match.events.length === 1 && match.events[0] === event) {
      results.push({ event, url, id: match.id, action: 'unchanged', ...duplicates })
    } else {
      const updated = await client.putWebhook(match.id, { url, events: [event] })
      results.push({ event, url, id: updated.id, action: 'updated', ...duplicates })
    }
  }
  return results
}

/** Setting keys of the webhook secret in the adapter's store. */
export const WEBHOOK_SECRET_SETTING = 'webhook_secret'
export const WEBHOOK_PREVIOUS_SECRETS_SETTING = 'webhook_secrets_previous'

/** How long a replaced secret is still accepted (Flow retries a delivery for about an hour). */
const PREVIOUS_SECRET_TTL_MS = 48 * 3_600_000

/**
 * The secrets a receiver accepts for an organization: the stored current one, then replaced ones
 * still inside their grace period.
 *
 * @example
 * storedWebhookSecrets(db, 'demo') // ['9f…current', '1c…previous']
 */
export function storedWebhookSecrets(db: Db, organization: string, now = Date.now()): string[] {
  const current = getSetting(db, organization, WEBHOOK_SECRET_SETTING)
  return [...(current === undefined || current === '' ? [] : [current]), ...previousSecrets(db, organization, now).map((p) => p.secret)]
}

/**
 * What `updateWebhookSettings` did.
 *
 * @example
 * const result: WebhookSettingsResult = { secret: 'generated', previousKept: false }
 */
export type WebhookSettingsResult = {
  /** Where the secret came from: `given`, `stored` (unchanged), or `generated` (new random one). */
  secret: 'given' | 'stored' | 'generated'
  /** True when a replaced secret stays accepted for its grace period. */
  previousKept: boolean
}

/**
 * Sets the organization's webhook settings in Flow (`PUT /webhook/settings`): the signing secret
 * (given, the stored one, or a new random one; `rotate` always makes a new one) and Flow's retry
 * schedule. The secret is saved in the store first, with the replaced one kept accepted for 48
 * hours, so no delivery signed with either fails while the change propagates.
 *
 * @example
 * await updateWebhookSettings(flow, db, { rotate: true }) // { secret: 'generated', previousKept: true }
 */
export async function updateWebhookSettings(
  client: Pick<FlowClient, 'organization' | 'putWebhookSettings'>,
  db: Db,
  options: { secret?: string; rotate?: boolean; retryMaxAttempts?: number; retrySleepMs?: number; now?: number } = {},
): Promise<WebhookSettingsResult> {
  const organization = client.organization
  const now = options.now ?? Date.now()
  const stored = getSetting(db, organization, WEBHOOK_SECRET_SETTING)
  if (options.secret !== undefined && options.secret.length < 16) {
    throw new RangeError('updateWebhookSettings(): `secret` must be at least 16 characters long')
  }
  const source: WebhookSettingsResult['secret'] =
    options.secret !== undefined ? 'given' : !options.rotate && stored !== undefined && stored !== '' ? 'stored' : 'generated'
  const secret = options.secret ?? (source === 'stored' ? (stored as string) : randomBytes(32).toString('hex'))
  let previousKept = false
  if (stored !== undefined && stored !== '' && stored !== secret) {
    const kept = previousSecrets(db, organization, now).filter((p) => p.secret !== secret && p.secret !== stored)
    setSetting(db, organization, WEBHOOK_PREVIOUS_SECRETS_SETTING, JSON.stringify([{ secret: stored, until: now + PREVIOUS_SECRET_TTL_MS }, ...kept]))
    previousKept = true
  }
  setSetting(db, organization, WEBHOOK_SECRET_SETTING, secret)
  await client.putWebhookSettings({
    secret,
    retry_max_attempts: options.retryMaxAttempts ?? 6,
    retry_sleep_ms: options.retrySleepMs ?? 60_000,
    sleep_ms: 0,
  })
  return { secret: source, previousKept }
}

function previousSecrets(db: Db, organization: string, now: number): { secret: string; until: number }[] {
  const raw = getSetting(db, organization, WEBHOOK_PREVIOUS_SECRETS_SETTING)
  if (raw === undefined) return []
  try {
    const list: unknown = JSON.parse(raw)
    if (!Array.isArray(list)) return []
    return list.filter(
      (p): p is { secret: string; until: number } =>
        typeof p === 'object' && p !== null && typeof p.secret === 'string' && p.secret !== '' && typeof p.until === 'number' && p.until > now,
    )
  } catch {
    return []
  }
}

function checkBaseUrl(api: string, baseUrl: string): string {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new TypeError(`${api}: \`baseUrl\` must be the public http(s) URL of this server, such as 'https://shop.example'. Received: ${JSON.stringify(baseUrl)}`)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError(`${api}: \`baseUrl\` must be an http(s) URL without query, fragment or credentials. Received: ${JSON.stringify(baseUrl)}`)
  }
  return url.href.replace(/\/+$/, '')
}
