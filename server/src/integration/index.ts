// Integration initialize (connector-behaviour.md §4): the four steps that connect a store to a
// Flow organization, in the connector's order — center keys, price attributes, webhook
// registration, webhook settings with a generated secret kept in the store. Every step is
// idempotent (running it again changes nothing that is already right) and reported on its own.
// (The connector's fifth step, sync streams for its order poll, has no counterpart here.)
import { savePriceAttributes } from '../catalog/index.js'
import type { FlowClient } from '../client/index.js'
import { fetchCenterKeys } from '../inventory/index.js'
import type { Db } from '../store/sqlite.js'
import { registerWebhooks as registerAllWebhooks, updateWebhookSettings as updateSettings } from '../webhooks/index.js'

/** The step names, in order. */
export const INTEGRATION_STEPS = ['center-keys', 'price-attributes', 'webhook-registration', 'webhook-settings'] as const

/**
 * One step's report: whether it succeeded, a short account of what it did, or the error.
 *
 * @example
 * const step: IntegrationStep = { step: 'center-keys', ok: true, detail: 'default center demo-warehouse (1 center)' }
 */
export type IntegrationStep = { step: (typeof INTEGRATION_STEPS)[number]; ok: boolean; detail: string; error?: string }

/**
 * Options of {@link initializeIntegration}. `registerWebhooks` and `updateWebhookSettings` default
 * to the webhooks feature's own; tests and custom deployments may inject theirs.
 *
 * @example
 * const options: InitializeOptions = { client: flow, db, baseUrl: 'https://shop.example/flow' }
 */
export type InitializeOptions = {
  client: Pick<FlowClient, 'organization' | 'listAllCenters' | 'putAttribute' | 'listAllWebhooks' | 'createWebhook' | 'putWebhook' | 'putWebhookSettings'>
  db: Db
  /** The adapter's public base URL; webhooks are registered under it. */
  baseUrl: string
  registerWebhooks?: (client: InitializeOptions['client'], baseUrl: string) => Promise<{ action: string }[]>
  updateWebhookSettings?: (client: InitializeOptions['client'], db: Db) => Promise<{ secret: string; previousKept: boolean }>
  /** Called as each step ends. */
  onStep?: (step: IntegrationStep) => void
}

/**
 * Runs the four steps in order. Each runs even when an earlier one failed (they do not depend on
 * each other); `ok` is true only when all four succeeded.
 *
 * @example
 * await initializeIntegration({ client: flow, db, baseUrl: 'https://shop.example' })
 * // { ok: true, steps: [{ step: 'center-keys', ok: true, detail: 'default center demo-warehouse (1 center)' },
 * //   { step: 'price-attributes', ok: true, detail: '16 price attributes saved' },
 * //   { step: 'webhook-registration', ok: true, detail: '7 webhooks: 7 created' },
 * //   { step: 'webhook-settings', ok: true, detail: 'secret generated and stored; retries 6 × 60 s' }] }
 */
export async function initializeIntegration(options: InitializeOptions): Promise<{ ok: boolean; steps: IntegrationStep[] }> {
  const { client, db } = options
  const register = options.registerWebhooks ?? registerAllWebhooks
  const settings = options.updateWebhookSettings ?? ((c: InitializeOptions['client'], d: Db) => updateSettings(c, d))
  const steps: IntegrationStep[] = []
  const run = async (step: IntegrationStep['step'], work: () => Promise<string>) => {
    let report: IntegrationStep
    try {
      report = { step, ok: true, detail: await work() }
    } catch (error) {
      report = { step, ok: false, detail: 'failed', error: error instanceof Error ? error.message : String(error) }
    }
    steps.push(report)
    options.onStep?.(report)
  }
  await run('center-keys', async () => {
    const { key, keys } = await fetchCenterKeys(client, db)
    return `default center ${key} (${keys.length} center${keys.length === 1 ? '' : 's'})`
  })
  await run('price-attributes', async () => {
    const report = await savePriceAttributes(client)
    const failed = report.attributes.filter((attribute) => attribute.outcome === 'failed')
    if (failed.length > 0) throw new Error(`${failed.length} of ${report.attributes.length} price attributes failed: ${failed.map((f) => `${f.key} (${f.error})`).join('; ')}`)
    return `${report.attributes.length} price attributes saved`
  })
  await run('webhook-registration', async () => {
    const rows = await register(client, options.baseUrl)
    const counts = new Map<string, number>()
    for (const row of rows) counts.set(row.action, (counts.get(row.action) ?? 0) + 1)
    return `${rows.length} webhooks: ${[...counts].map(([action, n]) => `${n} ${action}`).join(', ')}`
  })
  await run('webhook-settings', async () => {
    const result = await settings(client, db)
    return `secret ${result.secret === 'stored' ? 'unchanged (stored)' : `${result.secret} and stored`}${result.previousKept ? '; the previous one stays accepted for 48 h' : ''}`
  })
  return { ok: steps.every((step) => step.ok), steps }
}
