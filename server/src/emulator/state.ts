// The emulator's whole state: one JSON-serializable object, kept in memory and, with a state
// path, written to disk after every change (temp file + rename, so a crash never leaves half a
// file behind).
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { LabelFormatter, Rounding } from 'flow-storefront/money'
import type { LevySetting } from './pricing.js'
import type { WebhookDelivery, WebhookDeliveryRequest } from '../client/index.js'

/** Flow's JSON as the emulator stores and returns it (already in the spec's shape). */
export type Json = Record<string, unknown>

/** An experience with the settings the pricing engine, sessions and order estimates read. */
export type ExperienceRecord = {
  id: string
  key: string
  name: string
  /** ISO 3166 alpha-3. */
  country: string
  currency: string
  language: string
  /** A Flow locale id ('de', 'en-US'): number separators of labels. */
  locale: string
  region: string
  measurement_system: 'imperial' | 'metric'
  position: number
  status: 'draft' | 'active' | 'archiving' | 'archived'
  delivered_duty: 'paid' | 'unpaid'
  subcatalog_id: string
  pricing: { vat: LevySetting; duty: LevySetting; rounding?: Rounding }
  /** Duty rate of this experience, a decimal string ('0.04'). */
  duty_rate: string
  currency_format: { symbol: 'primary' | 'narrow'; label_formatters: LabelFormatter[] }
  /** The flat shipping tier; amounts are decimal strings in the experience's currency. */
  shipping: { name: string; amount: string; free_over?: string; min_days: number; max_days: number }
  /** Items not sold normally here, by item number (compared case-insensitively). */
  item_statuses: Record<string, 'excluded' | 'restricted'>
}

export type SessionRecord = {
  id: string
  visitor_id: string
  visit_id: string
  expires_at: string
  ip?: string
  /** ISO 3166 alpha-3 of the country the session is in (from the form or from geo). */
  country: string
  /** ISO 3166 alpha-3 found by geo for the request that created or reset the session. */
  geo_country: string
  experience_key: string
  language?: string
  locale?: string
  attributes: Record<string, string>
}

export type CheckoutTokenRecord = {
  id: string
  session_id: string
  /** The order the token checks out (opened from its `order_form`, or named by a reference form). */
  order_number: string
  urls: { continue_shopping?: string; confirmation?: string; invalid_checkout?: string }
  customer_number?: string
  expires_at: string
  /** The number of the order placed with this token, once placed. */
  placed_order?: string
}

/** An order: created open with its checkout token, submitted on the hosted checkout page. */
export type OrderRecord = {
  experience_key: string
  order: Json
  allocation: Json
  /** Set when the order is placed. */
  authorization?: Json
  capture?: Json
}

/** An order estimate with what it was made from, so `PUT` can replace it and tokens can name it. */
export type OrderEstimateRecord = { experience_key: string; form: Json; estimate: Json }

export type InventoryRecord = { center: string; item_number: string; quantity: number; updated_at: string }

export type WebhookRecord = { id: string; url: string; events: string[]; created_at: string }

// Deliveries are served as the typed client reads them (not in Flow's spec subset).
export type DeliveryRecord = WebhookDelivery
export type DeliveryRequest = WebhookDeliveryRequest

export type WebhookSettings = { secret?: string; retry_max_attempts: number; retry_sleep_ms: number; sleep_ms: number }

/** The emulator's state. Everything is plain JSON so it can be written to disk as is. */
export type EmulatorState = {
  version: 1
  /** When the state was made from the seed; the `effective_at` of its FX rates. */
  created_at: string
  organization: { id: string; name: string; environment: 'sandbox' | 'production'; api_key: string; base_currency: string }
  /** Units of each currency per unit of the base currency, as decimal strings. */
  rates: Record<string, string>
  /** VAT of each destination country (ISO alpha-3): its name ('VAT', 'GST') and rate. */
  taxes: Record<string, { name: string; rate: string }>
  /** IP address (exact, or a prefix ending in '.' or ':') → ISO alpha-3 country. */
  geo: Record<string, string>
  experiences: ExperienceRecord[]
  /** Catalog items in Flow's `item` shape, keyed by lower-cased number (numbers are case-insensitive). */
  items: Record<string, Json>
  attributes: Record<string, Json>
  centers: Record<string, Json>
  inventory: Record<string, InventoryRecord>
  /** Inventory updates by idempotency key. */
  inventory_updates: Record<string, Json>
  sessions: Record<string, SessionRecord>
  order_estimates: Record<string, OrderEstimateRecord>
  checkout_tokens: Record<string, CheckoutTokenRecord>
  orders: Record<string, OrderRecord>
  order_identifiers: Record<string, Json>
  refunds: Record<string, Json>
  webhooks: WebhookRecord[]
  webhook_settings: WebhookSettings
  deliveries: DeliveryRecord[]
}

/** Holds the state and writes it to `statePath` (if any) on `save()`. */
export type StateStore = {
  state: EmulatorState
  /** Writes the state to disk now (no-op without a state path). */
  save(): void
}

/**
 * Opens the state: the file at `statePath` when it exists, else `initial()`.
 *
 * @example
 * const store = openState(() => stateFromSeed(seed), '/tmp/emulator.json')
 * store.state.sessions[id] = session
 * store.save() // /tmp/emulator.json now holds the session
 */
export function openState(initial: () => EmulatorState, statePath?: string): StateStore {
  let state: EmulatorState
  if (statePath !== undefined && existsSync(statePath)) {
    state = readStateFile(statePath)
  } else {
    state = initial()
  }
  const store: StateStore = {
    state,
    save() {
      if (statePath === undefined) return
      const temp = `${statePath}.${process.pid}.tmp`
      writeFileSync(temp, JSON.stringify(store.state))
      renameSync(temp, statePath)
    },
  }
  store.save()
  return store
}

function readStateFile(path: string): EmulatorState {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new Error(`startEmulator(): cannot read the state file ${path}. Delete it to start from the seed.`, { cause: error })
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1) {
    throw new Error(`startEmulator(): ${path} is not an emulator state file (version 1). Delete it to start from the seed.`)
  }
  return parsed as EmulatorState
}

/**
 * A new id in Flow's style: a short prefix naming the kind, then 32 random hex digits.
 *
 * @example
 * newId('ord') // 'ord-3f2c…' (36 characters)
 */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(16).toString('hex')}`
}
