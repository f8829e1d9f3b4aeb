// `serve`: the adapter's HTTP server (webhooks, checkout, session start, price documents,
// health), the webhook worker and the schedule, until Ctrl+C or SIGTERM.
import { readDotEnv } from '../config.js'
import { createJsonLogger, type LogLevel } from '../log.js'
import { createSchedule } from '../schedule.js'
import type { ScheduledJob } from '../schedule.js'
import { startServer } from '../serve.js'
import { cleanupWebhookEvents, createWebhookStore, reconcileWebhooks, storedWebhookSecrets } from '../webhooks/index.js'
import type { Command, CommandContext } from './shared.js'
import { defineCommand, intFlag, UsageError } from './shared.js'
import { loadHandlers } from './webhooks.js'

const HOUR = 3_600_000

const serve = defineCommand({
  name: 'serve',
  summary: 'Run the adapter: webhooks, checkout, session start, price documents, worker and schedule.',
  usage: '[--port N] [--host HOST] [--json] [--webhook-secret S]... [--allowed-origin ORIGIN]... [--prices-dir DIR]',
  description: `One HTTP server with /webhooks/<event type> (the webhook receiver), POST /checkout and
GET /checkout/redirect, GET /session/start, GET /prices/<experience>.json (from --prices-dir, written by
prices-build) and GET /healthz, plus the webhook worker and the adapter's schedule (catalog and
inventory sync, cleanup, webhook reconciliation). Structured JSON logs go to stderr. Stops gracefully
on Ctrl+C (SIGINT) or SIGTERM: requests and events in flight finish first.

The webhook secret comes from --webhook-secret, else FLOW_WEBHOOK_SECRET (comma-separated for
several), else the store (set by integration-initialize or webhook-update-settings, re-read on every
request so a rotation needs no restart). Without one, serve refuses to start.`,
  flagHelp: `  --port N                 port (default 8080; 0 picks a free one)
  --host HOST              interface (default 127.0.0.1)
  --json                   print one JSON line {"url": …} on stdout when ready
  --webhook-secret S       accepted webhook secret (repeatable; also FLOW_WEBHOOK_SECRET)
  --allowed-origin ORIGIN  storefront origin allowed to POST /checkout (repeatable; also
                           FLOW_STOREFRONT_ORIGINS, comma-separated)
  --checkout-url URL       Flow's hosted checkout (also FLOW_CHECKOUT_URL; default
                           https://checkout.flow.io, or the API URL when it is not api.flow.io,
                           i.e. the emulator)
  --base-url URL           this adapter's public URL (also FLOW_BASE_URL): limits reconciliation
                           to deliveries sent here
  --prices-dir DIR         price documents directory (default ./prices)
  --handlers FILE          ES module whose default export receives on(name, handler)
  --workers N              webhook worker loops (default 2; 0 runs none)
  --no-schedule            do not run the schedule
  --log-level LEVEL        debug, info (default), warn or error`,
  flags: {
    port: { type: 'string' },
    host: { type: 'string' },
    'webhook-secret': { type: 'string', multiple: true },
    'allowed-origin': { type: 'string', multiple: true },
    'checkout-url': { type: 'string' },
    'base-url': { type: 'string' },
    'prices-dir': { type: 'string' },
    handlers: { type: 'string' },
    workers: { type: 'string' },
    'no-schedule': { type: 'boolean' },
    'log-level': { type: 'string' },
  },
  needs: 'flow',
  async run(ctx) {
    const env = { ...readDotEnv(ctx.io.cwd ?? process.cwd()), ...(ctx.io.env ?? process.env) }
    const port = intFlag(ctx.values, 'port', 8080, 0, 65_535)
    const workers = intFlag(ctx.values, 'workers', 2, 0, 64)
    const level = (ctx.values['log-level'] ?? 'info') as LogLevel
    if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new UsageError(`--log-level must be debug, info, warn or error, received '${String(level)}'`)
    const logger = createJsonLogger({ level, write: (line) => ctx.io.err(line.trimEnd()) })
    const db = ctx.db()
    const client = ctx.client()
    const organization = ctx.config.organization

    const webhookSecrets = secretsOf(ctx, env, () => storedWebhookSecrets(db, organization, ctx.now()))
    const allowedOrigins = listOf(ctx.values['allowed-origin'], env.FLOW_STOREFRONT_ORIGINS)
    const checkoutUrl = stringOf(ctx.values['checkout-url']) ?? env.FLOW_CHECKOUT_URL ?? (/^https:\/\/api\.flow\.io\/?$/.test(ctx.config.apiUrl) ? undefined : ctx.config.apiUrl)
    const baseUrl = stringOf(ctx.values['base-url']) ?? env.FLOW_BASE_URL
    const store = createWebhookStore(db, { now: ctx.now })
    const jobs: ScheduledJob[] = [
      { name: 'webhook-cleanup', everyMs: HOUR, run: async () => cleanupWebhookEvents(store) },
      {
        // Flow gives up on a delivery after about an hour: look back three, every half hour.
        name: 'webhook-reconcile',
        everyMs: HOUR / 2,
        runAtStart: false,
        run: async () => reconcileWebhooks({ client, store, since: new Date(ctx.now() - 3 * HOUR), logger, ...(baseUrl ? { baseUrl } : {}) }),
      },
    ]
    const schedule =
      ctx.values['no-schedule'] === true
        ? undefined
        : createSchedule({
            db,
            client,
            logger,
            extraJobs: jobs,
            onEvent: (event) => {
              if (event.type === 'error') logger.error('schedule.job_failed', { job: event.job, error: event.error })
              else if (event.type === 'end') logger.debug('schedule.job_done', { job: event.job, ms: event.durationMs })
            },
          })

    let running
    try {
      running = await startServer({
        db,
        client,
        webhookSecrets,
        port,
        host: stringOf(ctx.values.host) ?? '127.0.0.1',
        pricesDir: stringOf(ctx.values['prices-dir']) ?? 'prices',
        allowedOrigins,
        ...(checkoutUrl === undefined ? {} : { checkoutUrl }),
        handlers: (on) => loadHandlers(ctx, on),
        workerConcurrency: workers,
        ...(schedule === undefined ? {} : { schedule }),
        logger,
      })
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'EADDRINUSE') throw new Error(`port ${port} is in use. Pass --port 0 for a free port, or stop what uses it.`, { cause: error })
      throw error
    }
    if (ctx.json) ctx.io.out(JSON.stringify({ url: running.url }))
    else ctx.io.out(`flow-storefront-server serve listening on ${running.url}`)
    const signal = await ctx.io.stopSignal()
    logger.info('serve.stopping', { signal })
    await running.close()
    return 0
  },
})

/**
 * The webhook secrets: the flags, else FLOW_WEBHOOK_SECRET (comma-separated), else the store (read
 * per request). Throws a UsageError when there is none: serve never accepts unsigned webhooks.
 */
function secretsOf(ctx: CommandContext, env: Record<string, string | undefined>, stored: () => string[]): readonly string[] | (() => readonly string[]) {
  const given = listOf(ctx.values['webhook-secret'], env.FLOW_WEBHOOK_SECRET)
  if (given.length > 0) return given
  if (stored().length === 0) {
    throw new UsageError(
      'no webhook secret: run `integration-initialize` or `webhook-update-settings` (which store one and give it to Flow), or pass --webhook-secret / set FLOW_WEBHOOK_SECRET. serve refuses to accept unsigned webhooks.',
    )
  }
  let cached: { at: number; secrets: string[] } | undefined
  return () => {
    const now = Date.now()
    if (cached === undefined || now - cached.at > 5000) cached = { at: now, secrets: stored() }
    return cached.secrets
  }
}

function listOf(flag: unknown, env: string | undefined): string[] {
  if (Array.isArray(flag) && flag.length > 0) return flag.filter((v): v is string => typeof v === 'string' && v !== '')
  return (env ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The serve command. */
export const serveCommands: Command[] = [serve]
