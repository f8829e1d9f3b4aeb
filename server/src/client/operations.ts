import { FlowApiError, isFlowApiError } from './errors.js'
import type { FlowExtraOperations, InventoryUpdateForm } from './extra-types.js'
import type { FlowAuth, FlowRequest } from './http.js'
import type {
  AttributeForm,
  CheckoutTokenForm,
  FlowOperations,
  ItemForm,
  OrderEstimateForm,
  OrderIdentifierForm,
  OrderIdentifierPutForm,
  Pricing,
  RefundForm,
  SessionForm,
  SessionPutForm,
  WebhookForm,
  WebhookSettings,
} from './types.js'

/**
 * The spec's operations and the three hand-written ones, keyed by `METHOD /path`.
 *
 * @example
 * type Put = AllFlowOperations['PUT /:organization/catalog/items/:number'] // { body: ItemForm, response: Item, … }
 */
export type AllFlowOperations = FlowOperations & FlowExtraOperations

/**
 * `METHOD /path` of every operation the client can call.
 *
 * @example
 * const key: FlowOperationName = 'GET /:organization/centers'
 */
export type FlowOperationName = keyof AllFlowOperations

type Query<K extends FlowOperationName> = AllFlowOperations[K]['query']
type Response<K extends FlowOperationName> = AllFlowOperations[K]['response']

/**
 * Input of `call`. `:organization` and `:organization_id` are filled from the client's
 * organization; every other path parameter comes from `path` and is URL-encoded.
 *
 * @example
 * const input: CallInput<'GET /:organization/centers/:key'> = { path: { key: 'main' } }
 */
export type CallInput<K extends FlowOperationName> = {
  path?: Omit<AllFlowOperations[K]['pathParams'], 'organization' | 'organization_id'>
  query?: Query<K>
  body?: AllFlowOperations[K]['body']
  idempotencyKey?: string
  auth?: FlowAuth
  redact?: readonly string[]
}

/**
 * Calls any operation by its spec key, typed end to end.
 *
 * @example
 * const center = await flow.call('GET /:organization/centers/:key', { path: { key: 'main' } })
 * // center: Center
 */
export type FlowCall = <K extends FlowOperationName>(key: K, input?: CallInput<K>) => Promise<Response<K>>

/**
 * Options of a POST. With an idempotency key (deterministic: derived from what the call does, the
 * same on every attempt) the POST is retried like a PUT; without one it is sent once.
 *
 * @example
 * await flow.createCheckoutToken(form, { idempotencyKey: `checkout:${cartId}:${cartVersion}` })
 */
export type PostOptions = { idempotencyKey?: string }

/**
 * Options of a shopper call (experiences, localized items, order estimates): pass the shopper's
 * session id to authenticate with `Authorization: Session …` instead of the API key.
 *
 * @example
 * await flow.getLocalizedItems({ experience: 'germany', number: ['SKU-1'] }, { session: sessionId })
 */
export type ShopperOptions = { session?: string }

/** Largest page Flow serves (the spec's `limit` maximum). */
const PAGE_SIZE = 100
/** A lister that has not reached its end after this many pages is not advancing. */
const MAX_PAGES = 1000

/**
 * Builds `call` for one organization on top of a request function.
 *
 * @example
 * const call = createCall(request, 'demo')
 * await call('DELETE /:organization/catalog/items/:number', { path: { number: 'SKU/1' } })
 * // DELETE /demo/catalog/items/SKU%2F1
 */
export function createCall(request: FlowRequest, organization: string): FlowCall {
  return async (key, input = {}) => {
    const space = key.indexOf(' ')
    const method = key.slice(0, space)
    const params = (input.path ?? {}) as Record<string, unknown>
    const path = key.slice(space + 1).replace(/:([a-z_]+)/g, (_match, name: string) => {
      const value = name === 'organization' || name === 'organization_id' ? organization : params[name]
      if (typeof value !== 'string' || value === '') {
        throw new TypeError(`${key}: path parameter "${name}" must be a non-empty string. Received: ${describe(value)}`)
      }
      return encodeURIComponent(value)
    })
    return request(method, path, {
      ...(input.query === undefined ? {} : { query: input.query }),
      ...(input.body === undefined ? {} : { body: input.body }),
      ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
      ...(input.auth === undefined ? {} : { auth: input.auth }),
      ...(input.redact === undefined ? {} : { redact: input.redact }),
    })
  }
}

/**
 * The named methods, one or more per operation, in Flow's nouns.
 *
 * Lookups of one thing by its id, key or number (`getItem`, `getSession`, `getOrder`, …) resolve
 * `undefined` when Flow answers 404, because "not there" is an answer callers branch on. Deletes
 * resolve `true` when Flow deleted the thing and `false` when it was not there (404), so deleting
 * twice is safe. Every other non-2xx rejects with `FlowApiError`. `listAll*` read every page.
 *
 * @example
 * const flow = createOperations(createCall(request, 'demo'))
 * await flow.putItem({ number: 'SKU-1', locale: 'en_US', name: 'Tee', currency: 'USD', price: 20 })
 */
export function createOperations(call: FlowCall) {
  return {
    // ---- Sessions ----

    /**
     * Creates a shopper session (`country`, `experience` or `ip` pick the experience).
     * @example
     * const session = await flow.createSession({ country: 'DEU' }) // session.experience?.key === 'germany'
     */
    createSession: (form: SessionForm, options?: PostOptions) =>
      call('POST /sessions/organizations/:organization', { body: form, ...keyOf(options) }),

    /**
     * The session, authenticated with itself; `undefined` when it does not exist.
     * @example
     * const session = await flow.getSession(id) // session?.local?.experience.key === 'germany'
     */
    getSession: (session: string) =>
      orUndefined(call('GET /sessions/:session', { path: { session }, ...asSession(session) })),

    /**
     * Changes a session (e.g. a new country).
     * @example
     * await flow.putSession(id, { country: 'CAN' })
     */
    putSession: (session: string, form: SessionPutForm) =>
      call('PUT /sessions/:session', { path: { session }, body: form, ...asSession(session) }),

    /**
     * Moves a session to this organization.
     * @example
     * await flow.putSessionOrganization(id, { country: 'JPN' })
     */
    putSessionOrganization: (session: string, form: SessionPutForm) =>
      call('PUT /sessions/:session/organizations/:organization', { path: { session }, body: form, ...asSession(session) }),

    /**
     * Resets a session to what its geolocation would choose, then applies the form.
     * @example
     * await flow.resetSession(id, {})
     */
    resetSession: (session: string, form: SessionPutForm) =>
      call('PUT /sessions/:session/reset', { path: { session }, body: form, ...asSession(session) }),

    /**
     * Deletes a session: `true` if deleted, `false` if it was not there.
     * @example
     * await flow.deleteSession(id) // true
     */
    deleteSession: (session: string) =>
      deleted(call('DELETE /sessions/:session', { path: { session }, ...asSession(session) })),

    // ---- Experiences and localized items ----

    /**
     * One page of experiences (Flow's default page is 25).
     * @example
     * const page = await flow.listExperiences({ limit: 100 })
     */
    listExperiences: (query?: Query<'GET /:organization/experiences'>, options?: ShopperOptions) =>
      call('GET /:organization/experiences', { ...queryOf(query), ...shopper(options) }),

    /**
     * Every experience, all pages.
     * @example
     * const experiences = await flow.listAllExperiences() // [{ key: 'united-states', … }, …]
     */
    listAllExperiences: (query?: Omit<Query<'GET /:organization/experiences'>, 'limit' | 'offset'>, options?: ShopperOptions) =>
      collectPages((page) => call('GET /:organization/experiences', { query: { ...query, ...page }, ...shopper(options) })),

    /**
     * One experience; `undefined` when the key is unknown.
     * @example
     * const experience = await flow.getExperience('germany') // experience?.currency === 'EUR'
     */
    getExperience: (key: string, options?: ShopperOptions) =>
      orUndefined(call('GET /:organization/experiences/:key', { path: { key }, ...shopper(options) })),

    /**
     * Localized items of an experience (by `number`, up to 100 per request).
     * @example
     * const items = await flow.getLocalizedItems({ experience: 'germany', number: ['SKU-1', 'SKU-2'] })
     */
    getLocalizedItems: (query: Query<'GET /:organization/experiences/items'>, options?: ShopperOptions) =>
      call('GET /:organization/experiences/items', { query, ...shopper(options) }),

    /**
     * One localized item; `undefined` when the number is unknown.
     * @example
     * const item = await flow.getLocalizedItem('SKU-1', { experience: 'germany' }) // item?.local?.prices
     */
    getLocalizedItem: (number: string, query?: Query<'GET /:organization/experiences/items/:number'>, options?: ShopperOptions) =>
      orUndefined(call('GET /:organization/experiences/items/:number', { path: { number }, ...queryOf(query), ...shopper(options) })),

    /**
     * Localized items for many numbers in one POST (not in Flow's spec; see extra-types.ts). It
     * is a read, but a POST: pass an idempotency key derived from the request to have it retried.
     * @example
     * const { responses } = await flow.getLocalizedItemsByNumber(['SKU-1', 'SKU-2'], { experience: 'germany' })
     * // responses[0] → { value: 'SKU-1', items: [item] }
     */
    getLocalizedItemsByNumber: async (
      numbers: readonly string[],
      query?: Query<'POST /:organization/experiences/items/filters/number'>,
      options?: PostOptions & ShopperOptions,
    ) =>
      call('POST /:organization/experiences/items/filters/number', {
        body: { filter: 'number', values: [...numbers] },
        ...queryOf(query),
        ...keyOf(options),
        ...shopper(options),
      }),

    /**
     * Converts a base amount to an experience's currency.
     * @example
     * const price = await flow.getPriceConversion('USD', '100', { experience: 'germany' }) // price.label === '92,00 €'
     */
    getPriceConversion: (base: string, amount: string, query?: Query<'GET /:organization/experiences/conversions/:base/:amount'>) =>
      call('GET /:organization/experiences/conversions/:base/:amount', { path: { base, amount }, ...queryOf(query) }),

    /**
     * Converts several amounts at once for one experience.
     * @example
     * await flow.getExperiencePriceConversions('germany', { base: 'USD', amount: ['10', '20'] })
     */
    getExperiencePriceConversions: (experienceKey: string, query?: Query<'GET /:organization/experiences/:experience_key/conversions/price'>) =>
      call('GET /:organization/experiences/:experience_key/conversions/price', { path: { experience_key: experienceKey }, ...queryOf(query) }),

    /**
     * Pricing settings of an experience (VAT, duty, rounding); `undefined` when unknown.
     * @example
     * const pricing = await flow.getExperiencePricing('germany') // pricing?.vat === 'included'
     */
    getExperiencePricing: (key: string) =>
      orUndefined(call('GET /:organization/experiences/:key/pricing', { path: { key } })),

    /**
     * Replaces the pricing settings of an experience.
     * @example
     * await flow.putExperiencePricing('germany', { vat: 'included', duty: 'included' })
     */
    putExperiencePricing: (key: string, pricing: Pricing) =>
      call('PUT /:organization/experiences/:key/pricing', { path: { key }, body: pricing }),

    /**
     * How an experience formats money; `undefined` when the experience is unknown.
     * @example
     * const format = await flow.getExperienceCurrencyFormat('germany')
     */
    getExperienceCurrencyFormat: (experienceKey: string) =>
      orUndefined(call('GET /:organization/experiences/:experience_key/currency/formats', { path: { experience_key: experienceKey } })),

    /**
     * The local items (prices and status) of an experience.
     * @example
     * const local = await flow.listExperienceLocalItems('germany', { q: 'number:SKU-1' })
     */
    listExperienceLocalItems: (experienceKey: string, query?: Query<'GET /:organization/experiences/:experience_key/local/items'>) =>
      call('GET /:organization/experiences/:experience_key/local/items', { path: { experience_key: experienceKey }, ...queryOf(query) }),

    // ---- Catalog ----

    /**
     * One page of catalog items.
     * @example
     * const items = await flow.listItems({ number: ['SKU-1'] })
     */
    listItems: (query?: Query<'GET /:organization/catalog/items'>) =>
      call('GET /:organization/catalog/items', queryOf(query)),

    /**
     * Creates a catalog item (prefer `putItem`, which is an idempotent upsert).
     * @example
     * await flow.createItem(form)
     */
    createItem: (form: ItemForm, options?: PostOptions) =>
      call('POST /:organization/catalog/items', { body: form, ...keyOf(options) }),

    /**
     * One catalog item; `undefined` when the number is unknown.
     * @example
     * const item = await flow.getItem('SKU-1') // item?.price.amount === 20
     */
    getItem: (number: string) =>
      orUndefined(call('GET /:organization/catalog/items/:number', { path: { number } })),

    /**
     * Creates or replaces the catalog item `form.number` (URL-encoded into the path).
     * @example
     * await flow.putItem({ number: 'SKU-1', locale: 'en_US', name: 'Tee', currency: 'USD', price: 20 })
     */
    putItem: async (form: ItemForm) =>
      call('PUT /:organization/catalog/items/:number', { path: { number: form.number }, body: form }),

    /**
     * Deletes a catalog item: `true` if deleted, `false` if it was not there.
     * @example
     * await flow.deleteItem('SKU-1') // true
     */
    deleteItem: (number: string) =>
      deleted(call('DELETE /:organization/catalog/items/:number', { path: { number } })),

    // ---- Attributes ----

    /**
     * One page of attribute definitions.
     * @example
     * const attributes = await flow.listAttributes({ intent: 'price' })
     */
    listAttributes: (query?: Query<'GET /:organization/attributes'>) =>
      call('GET /:organization/attributes', queryOf(query)),

    /**
     * Creates an attribute definition (prefer `putAttribute`).
     * @example
     * await flow.createAttribute(form)
     */
    createAttribute: (form: AttributeForm, options?: PostOptions) =>
      call('POST /:organization/attributes', { body: form, ...keyOf(options) }),

    /**
     * Creates or replaces the attribute definition `form.key`.
     * @example
     * await flow.putAttribute({ key: 'final_price', intent: 'price', type: 'decimal', options: { required: false, show_in_catalog: false, show_in_harmonization: false } })
     */
    putAttribute: async (form: AttributeForm) =>
      call('PUT /:organization/attributes/:key', { path: { key: form.key }, body: form }),

    /**
     * One attribute definition; `undefined` when the key is unknown.
     * @example
     * const attribute = await flow.getAttribute('final_price') // attribute?.intent === 'price'
     */
    getAttribute: (key: string) =>
      orUndefined(call('GET /:organization/attributes/:key', { path: { key } })),

    // ---- Order estimates, checkout tokens, orders ----

    /**
     * Estimates an order (local prices, VAT, duty, shipping, total) in an experience.
     * @example
     * const estimate = await flow.createOrderEstimate({ items: [{ number: 'SKU-1', quantity: 2 }] }, { experience: 'germany' })
     */
    createOrderEstimate: (form: OrderEstimateForm, query?: Query<'POST /:organization/order-estimates'>, options?: PostOptions & ShopperOptions) =>
      call('POST /:organization/order-estimates', { body: form, ...queryOf(query), ...keyOf(options), ...shopper(options) }),

    /**
     * Creates or replaces the order estimate `number`.
     * @example
     * await flow.putOrderEstimate('est-1', { items: [{ number: 'SKU-1', quantity: 1 }] })
     */
    putOrderEstimate: (number: string, form: OrderEstimateForm, query?: Query<'PUT /:organization/order-estimates/:number'>, options?: ShopperOptions) =>
      call('PUT /:organization/order-estimates/:number', { path: { number }, body: form, ...queryOf(query), ...shopper(options) }),

    /**
     * Creates a checkout token; send the shopper to its URL.
     * @example
     * const token = await flow.createCheckoutToken({ discriminator: 'checkout_token_order_form', order_form, session_id }, { idempotencyKey: `cart:${cartId}:v${version}` })
     */
    createCheckoutToken: (form: CheckoutTokenForm, options?: PostOptions) =>
      call('POST /:organization/checkout/tokens', { body: form, ...keyOf(options) }),

    /**
     * One checkout token; `undefined` when unknown or expired. The id is masked in errors.
     * @example
     * const token = await flow.getCheckoutToken(id) // token?.order.number
     */
    getCheckoutToken: (id: string) =>
      orUndefined(call('GET /checkout/tokens/:id', { path: { id }, redact: [id] })),

    /**
     * One order; `undefined` when the number is unknown.
     * @example
     * const order = await flow.getOrder('ord-1', { expand: ['experience'] }) // order?.total.amount
     */
    getOrder: (number: string, query?: Query<'GET /:organization/orders/:number'>) =>
      orUndefined(call('GET /:organization/orders/:number', { path: { number }, ...queryOf(query) })),

    /**
     * Deletes an order: `true` if deleted, `false` if it was not there.
     * @example
     * await flow.deleteOrder('ord-1') // true
     */
    deleteOrder: (number: string) =>
      deleted(call('DELETE /:organization/orders/:number', { path: { number } })),

    /**
     * How an order's totals are allocated to its lines; `undefined` when the order is unknown.
     * @example
     * const allocation = await flow.getOrderAllocations('ord-1')
     */
    getOrderAllocations: (number: string) =>
      orUndefined(call('GET /:organization/orders/:number/allocations', { path: { number } })),

    /**
     * Attaches the shop's own identifier to a Flow order.
     * @example
     * await flow.createOrderIdentifier({ order: 'ord-1', identifier: '100000042' }, { idempotencyKey: 'ord-1:100000042' })
     */
    createOrderIdentifier: (form: OrderIdentifierForm, options?: PostOptions) =>
      call('POST /:organization/order-identifiers', { body: form, ...keyOf(options) }),

    /**
     * Creates or replaces the order identifier `identifier`.
     * @example
     * await flow.putOrderIdentifier('100000042', { order: 'ord-1' })
     */
    putOrderIdentifier: (identifier: string, form: OrderIdentifierPutForm) =>
      call('PUT /:organization/order-identifiers/:identifier', { path: { identifier }, body: form }),

    /**
     * Refunds a payment. Flow's `key` field is its idempotency key: pass `key` in the form or
     * `idempotencyKey` in the options (it is then sent as both) and the POST is retried safely.
     * @example
     * await flow.createRefund({ order_number: 'ord-1', amount: 10, currency: 'EUR' }, { idempotencyKey: 'creditmemo-77' })
     */
    createRefund: async (form: RefundForm, options?: PostOptions) => {
      const key = refundKey(form, options)
      return call('POST /:organization/refunds', {
        body: key === undefined ? form : { ...form, key },
        ...(key === undefined ? {} : { idempotencyKey: key }),
      })
    },

    // ---- Webhooks ----

    /**
     * One page of webhooks (Flow's default page is 25; see `listAllWebhooks`).
     * @example
     * const page = await flow.listWebhooks({ limit: 100 })
     */
    listWebhooks: (query?: Query<'GET /:organization/webhooks'>) =>
      call('GET /:organization/webhooks', queryOf(query)),

    /**
     * Every webhook, all pages (the connector's bug: it read only the first 25).
     * @example
     * const webhooks = await flow.listAllWebhooks() // [{ id, url, events }, …]
     */
    listAllWebhooks: (query?: Omit<Query<'GET /:organization/webhooks'>, 'limit' | 'offset'>) =>
      collectPages((page) => call('GET /:organization/webhooks', { query: { ...query, ...page } })),

    /**
     * Registers a webhook.
     * @example
     * await flow.createWebhook({ url: 'https://shop.example/flow/webhooks', events: ['order_placed'] })
     */
    createWebhook: (form: WebhookForm, options?: PostOptions) =>
      call('POST /:organization/webhooks', { body: form, ...keyOf(options) }),

    /**
     * One webhook; `undefined` when the id is unknown.
     * @example
     * const webhook = await flow.getWebhook('whk-1')
     */
    getWebhook: (id: string) =>
      orUndefined(call('GET /:organization/webhooks/:id', { path: { id } })),

    /**
     * Replaces a webhook's URL and events.
     * @example
     * await flow.putWebhook('whk-1', { url: 'https://shop.example/flow/webhooks', events: ['order_placed'] })
     */
    putWebhook: (id: string, form: WebhookForm) =>
      call('PUT /:organization/webhooks/:id', { path: { id }, body: form }),

    /**
     * Deletes a webhook: `true` if deleted, `false` if it was not there.
     * @example
     * await flow.deleteWebhook('whk-1') // true
     */
    deleteWebhook: (id: string) =>
      deleted(call('DELETE /:organization/webhooks/:id', { path: { id } })),

    /**
     * Webhook settings (signing secret, retry schedule).
     * @example
     * const settings = await flow.getWebhookSettings() // settings.retry_max_attempts === 6
     */
    getWebhookSettings: () => call('GET /:organization/webhook/settings'),

    /**
     * Replaces webhook settings (e.g. rotates the signing secret).
     * @example
     * await flow.putWebhookSettings({ secret, retry_max_attempts: 6, retry_sleep_ms: 60_000, sleep_ms: 0 })
     */
    putWebhookSettings: (settings: WebhookSettings) =>
      call('PUT /:organization/webhook/settings', { body: settings }),

    /**
     * One page of webhook deliveries since a time (not in Flow's spec; see extra-types.ts).
     * @example
     * const deliveries = await flow.listWebhookDeliveries({ since: '2024-05-01T00:00:00Z' })
     */
    listWebhookDeliveries: (query?: Query<'GET /:organization/webhook/deliveries'>) =>
      call('GET /:organization/webhook/deliveries', queryOf(query)),

    /**
     * Every webhook delivery since a time, all pages: what reconciliation reads to fill gaps.
     * @example
     * const failed = (await flow.listAllWebhookDeliveries({ since })).filter((d) => d.status === 'failed')
     */
    listAllWebhookDeliveries: (query?: Omit<Query<'GET /:organization/webhook/deliveries'>, 'limit' | 'offset'>) =>
      collectPages((page) => call('GET /:organization/webhook/deliveries', { query: { ...query, ...page } })),

    /**
     * Asks Flow to send a delivery again (`POST …/deliveries/:id/requests`).
     * @example
     * await flow.redeliverWebhookDelivery('del-1', { idempotencyKey: 'redeliver:del-1:2024-05-01' })
     */
    redeliverWebhookDelivery: (id: string, options?: PostOptions) =>
      call('POST /:organization/webhook/deliveries/:id/requests', { path: { id }, ...keyOf(options) }),

    // ---- Centers and inventory ----

    /**
     * One page of fulfilment centers.
     * @example
     * const centers = await flow.listCenters()
     */
    listCenters: (query?: Query<'GET /:organization/centers'>) =>
      call('GET /:organization/centers', queryOf(query)),

    /**
     * Every center, all pages.
     * @example
     * const keys = (await flow.listAllCenters()).map((center) => center.key) // ['main']
     */
    listAllCenters: (query?: Omit<Query<'GET /:organization/centers'>, 'limit' | 'offset'>) =>
      collectPages((page) => call('GET /:organization/centers', { query: { ...query, ...page } })),

    /**
     * One center; `undefined` when the key is unknown.
     * @example
     * const center = await flow.getCenter('main')
     */
    getCenter: (key: string) =>
      orUndefined(call('GET /:organization/centers/:key', { path: { key } })),

    /**
     * Records stock at a center (not in Flow's spec; see extra-types.ts). `form.idempotency_key`
     * is also sent as the `Idempotency-Key` header, so the POST is retried safely.
     * @example
     * await flow.createInventoryUpdate({ center: 'main', item_number: 'SKU-1', quantity: 7, type: 'set', idempotency_key: 'SKU-1:42' })
     */
    createInventoryUpdate: async (form: InventoryUpdateForm) => {
      if (typeof form.idempotency_key !== 'string' || form.idempotency_key === '') {
        throw new TypeError(`createInventoryUpdate(): form.idempotency_key must be a non-empty string. Received: ${describe(form.idempotency_key)}`)
      }
      return call('POST /:organization/inventory_updates', { body: form, idempotencyKey: form.idempotency_key })
    },

    // ---- Reference data and geolocation ----

    /**
     * The country picker of this organization (countries and their experiences).
     * @example
     * const picker = await flow.getCountryPicker()
     */
    getCountryPicker: () => call('GET /organizations/:organization_id/country/picker'),

    /**
     * Flow's countries.
     * @example
     * const countries = await flow.listCountries() // [{ iso_3166_3: 'DEU', … }, …]
     */
    listCountries: (query?: Query<'GET /reference/countries'>) => call('GET /reference/countries', queryOf(query)),

    /**
     * Flow's currencies, with Flow's `number_decimals`.
     * @example
     * const currencies = await flow.listCurrencies() // [{ iso_4217_3: 'KWD', number_decimals: 3, … }, …]
     */
    listCurrencies: (query?: Query<'GET /reference/currencies'>) => call('GET /reference/currencies', queryOf(query)),

    /**
     * Flow's locales (separators per locale).
     * @example
     * const locales = await flow.listLocales()
     */
    listLocales: (query?: Query<'GET /reference/locales'>) => call('GET /reference/locales', queryOf(query)),

    /**
     * Default currency, language and locale of a country; `undefined` when unknown.
     * @example
     * const defaults = await flow.getCountryDefaults('DEU') // defaults?.currency === 'EUR'
     */
    getCountryDefaults: (country: string) =>
      orUndefined(call('GET /geolocation/defaults/:country', { path: { country } })),
  }
}

/**
 * The named methods `createOperations` returns.
 *
 * @example
 * const ops: FlowOperationMethods = createOperations(call)
 */
export type FlowOperationMethods = ReturnType<typeof createOperations>

async function orUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

async function deleted(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise
    return true
  } catch (error) {
    // A retried DELETE whose first attempt went through also lands here: gone either way.
    if (isNotFound(error)) return false
    throw error
  }
}

function isNotFound(error: unknown): boolean {
  return isFlowApiError(error) && error.code === 'http' && error.status === 404
}

async function collectPages<T>(fetchPage: (page: { limit: number; offset: number }) => Promise<T[]>): Promise<T[]> {
  const all: T[] = []
  for (let page = 0; page < MAX_PAGES; page++) {
    const items = await fetchPage({ limit: PAGE_SIZE, offset: page * PAGE_SIZE })
    all.push(...items)
    if (items.length < PAGE_SIZE) return all
  }
  throw new FlowApiError(
    'parse',
    `listAll: more than ${MAX_PAGES} pages of ${PAGE_SIZE}; Flow seems to ignore offset. Narrow the query.`,
    { method: 'GET', path: '', attempts: MAX_PAGES },
  )
}

function keyOf(options: PostOptions | undefined): { idempotencyKey?: string } {
  return options?.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }
}

function shopper(options: ShopperOptions | undefined): { auth?: FlowAuth; redact?: readonly string[] } {
  return options?.session === undefined ? {} : asSession(options.session)
}

function asSession(session: string): { auth: FlowAuth; redact: readonly string[] } {
  return { auth: { session }, redact: [session] }
}

function queryOf<Q>(query: Q | undefined): { query?: Q } {
  return query === undefined ? {} : { query }
}

function refundKey(form: RefundForm, options: PostOptions | undefined): string | undefined {
  const fromOptions = options?.idempotencyKey
  if (fromOptions !== undefined && form.key !== undefined && form.key !== fromOptions) {
    throw new TypeError(`createRefund(): form.key and options.idempotencyKey differ; pass one key. Received: ${JSON.stringify(form.key)} and ${JSON.stringify(fromOptions)}`)
  }
  return fromOptions ?? form.key
}

function describe(value: unknown): string {
  if (value === '') return 'an empty string'
  return value === null ? 'null' : typeof value
}
