// `integration-initialize`: connect the adapter to a Flow organization, step by step.
import { initializeIntegration } from '../integration/index.js'
import type { Command } from './shared.js'
import { baseUrlFlag, defineCommand } from './shared.js'

const integrationInitialize = defineCommand({
  name: 'integration-initialize',
  summary: 'Connect to Flow: center keys, price attributes, webhooks, webhook settings (idempotent).',
  usage: '--base-url URL',
  description: `The connector's initialize, in its order: fetch the default center key, create the price
attributes, register the webhooks at URL/webhooks/<event type>, and set the webhook settings with a
signing secret generated once and kept in the adapter's store. Each step is reported; running it
again changes nothing that is already right. Exit code 1 when any step failed.`,
  flagHelp: '  --base-url URL   the public URL of this adapter (also FLOW_BASE_URL)',
  flags: { 'base-url': { type: 'string' } },
  needs: 'flow',
  async run(ctx) {
    const baseUrl = baseUrlFlag(ctx)
    const result = await initializeIntegration({
      client: ctx.client(),
      db: ctx.db(),
      baseUrl,
      onStep: (step) => {
        if (!ctx.json) ctx.io.out(`${step.ok ? 'ok    ' : 'FAILED'}  ${step.step}: ${step.ok ? step.detail : step.error}`)
      },
    })
    if (ctx.json) ctx.io.out(JSON.stringify(result))
    else ctx.io.out(result.ok ? 'Integration initialized.' : 'Integration initialize failed; fix the failed steps and run it again.')
    return result.ok ? 0 : 1
  },
})

/** The integration command. */
export const integrationCommands: Command[] = [integrationInitialize]
