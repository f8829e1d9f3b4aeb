// Webhooks, their settings (secret and retry policy) and the delivery log used to reconcile
// missed events (`GET webhook/deliveries`, `POST webhook/deliveries/:id/requests`).
import type { EmulatorContext } from '../context.js'
import { ApiError, noContent, notFound, ok, page, route, sortBy } from '../http.js'
import { queryList, readForm, readPaging } from '../input.js'
import { optional } from '../json.js'
import { newId, type WebhookRecord, type WebhookSettings } from '../state.js'

function readWebhookForm(body: unknown): { url: string; events: string[] } {
  const form = readForm(body, 'webhook_form')
  const url = form.string('url')
  const events = form.stringArray('events')
  if (url && !/^https?:\/\/[^\s/]+/.test(url)) form.fail(`webhook_form.url must be an absolute http(s) URL, received '${url}'`)
  if (events.some((e) => e.trim() === '')) form.fail('webhook_form.events must not contain empty names')
  form.done()
  return { url, events }
}

function webhookJson(webhook: WebhookRecord) {
  return { id: webhook.id, url: webhook.url, events: webhook.events }
}

function requireWebhook(context: EmulatorContext, id: string): WebhookRecord {
  const webhook = context.state.webhooks.find((w) => w.id === id)
  if (!webhook) throw notFound(`webhook '${id}'`)
  return webhook
}

function settingsJson(settings: WebhookSettings) {
  return { ...optional('secret', settings.secret), retry_max_attempts: settings.retry_max_attempts, retry_sleep_ms: settings.retry_sleep_ms, sleep_ms: settings.sleep_ms }
}

/** Routes of the `webhook` and `webhook_settings` resources plus the delivery log. */
export const webhookRoutes = [
  route<EmulatorContext>('GET', '/:organization/webhooks', 'merchant', (request, context) => {
    const paging = readPaging(request.query)
    const ids = queryList(request.query, 'id')
    const list = context.state.webhooks.filter((w) => ids.length === 0 || ids.includes(w.id))
    const sorted = sortBy(list, request.query.get('sort') ?? '-created_at', { created_at: (w) => w.created_at, url: (w) => w.url })
    return ok(page(sorted, paging).map(webhookJson))
  }),

  route<EmulatorContext>('POST', '/:organization/webhooks', 'merchant', (request, context) => {
    const form = readWebhookForm(request.body())
    const webhook: WebhookRecord = { id: newId('whk'), ...form, created_at: context.now().toISOString() }
    context.state.webhooks.push(webhook)
    return ok(webhookJson(webhook), 201)
  }),

  route<EmulatorContext>('GET', '/:organization/webhooks/:id', 'merchant', (request, context) =>
    ok(webhookJson(requireWebhook(context, request.params.id ?? ''))),
  ),

  route<EmulatorContext>('PUT', '/:organization/webhooks/:id', 'merchant', (request, context) => {
    const webhook = requireWebhook(context, request.params.id ?? '')
    Object.assign(webhook, readWebhookForm(request.body()))
    return ok(webhookJson(webhook))
  }),

  route<EmulatorContext>('DELETE', '/:organization/webhooks/:id', 'merchant', (request, context) => {
    const webhook = requireWebhook(context, request.params.id ?? '')
    context.state.webhooks = context.state.webhooks.filter((w) => w !== webhook)
    return noContent()
  }),

  route<EmulatorContext>('GET', '/:organization/webhook/settings', 'merchant', (_request, context) =>
    ok(settingsJson(context.state.webhook_settings)),
  ),

  route<EmulatorContext>('PUT', '/:organization/webhook/settings', 'merchant', (request, context) => {
    const form = readForm(request.body(), 'webhook_settings')
    const secret = form.optString('secret')
    const next: WebhookSettings = {
      ...optional('secret', secret),
      retry_max_attempts: form.optInteger('retry_max_attempts') ?? 6,
      retry_sleep_ms: form.optInteger('retry_sleep_ms') ?? 60_000,
      sleep_ms: form.optInteger('sleep_ms') ?? 0,
    }
    if (next.retry_max_attempts < 1) form.fail(`webhook_settings.retry_max_attempts must be 1 or more, received ${next.retry_max_attempts}`)
    if (next.retry_sleep_ms < 0) form.fail(`webhook_settings.retry_sleep_ms must be 0 or more, received ${next.retry_sleep_ms}`)
    if (next.sleep_ms < 0) form.fail(`webhook_settings.sleep_ms must be 0 or more, received ${next.sleep_ms}`)
    form.done()
    context.state.webhook_settings = next
    return ok(settingsJson(next))
  }),

  route<EmulatorContext>('GET', '/:organization/webhook/deliveries', 'merchant', (request, context) => {
    const paging = readPaging(request.query)
    const since = request.query.get('since')
    if (since && Number.isNaN(Date.parse(since))) throw new ApiError(422, [`since must be an ISO 8601 date-time, received '${since}'`])
    const webhookId = request.query.get('webhook_id')
    const eventId = request.query.get('event_id')
    const status = request.query.get('status')
    const list = context.state.deliveries.filter(
      (d) =>
        (!since || Date.parse(d.created_at) >= Date.parse(since)) &&
        (!webhookId || d.webhook_id === webhookId) &&
        (!eventId || d.event_id === eventId) &&
        (!status || d.status === status),
    )
    return ok(page(list, paging))
  }),

  route<EmulatorContext>('POST', '/:organization/webhook/deliveries/:id/requests', 'merchant', async (request, context) => {
    const id = request.params.id ?? ''
    if (!context.state.deliveries.some((d) => d.id === id)) throw notFound(`webhook delivery '${id}'`)
    return ok(await context.deliveries.redeliver(id), 201)
  }),
]
