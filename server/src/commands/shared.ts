// What every adapter command shares: flags (with the configuration flags), configuration from
// flags, environment and `.env`, the database, the Flow client, a progress bar on stderr, `--json`
// output, and exit codes (0 ok, 1 runtime failure, 2 usage or configuration error).
import { parseArgs } from 'node:util'
import { CATALOG_MIGRATIONS } from '../catalog/index.js'
import { createFlowClient } from '../client/index.js'
import type { FlowClient } from '../client/index.js'
import { ConfigError, SETTINGS, readDotEnv } from '../config.js'
import type { AdapterConfig } from '../config.js'
import { INVENTORY_MIGRATIONS } from '../inventory/index.js'
import { openDb } from '../store/sqlite.js'
import type { Db } from '../store/sqlite.js'
import { WEBHOOK_MIGRATIONS } from '../webhooks/index.js'

export const PROGRAM = 'flow-storefront-server'

/** Every table of the adapter, for commands that open the database. */
export const ADAPTER_MIGRATIONS = [...CATALOG_MIGRATIONS, ...INVENTORY_MIGRATIONS, ...WEBHOOK_MIGRATIONS]

/**
 * Where a command writes, and what it reads from its environment. The first three are the CLI's
 * own `CliIo`; the optional rest default to the process's (tests pass their own).
 *
 * @example
 * const io: CommandIo = { out: console.log, err: console.error, stopSignal: () => new Promise(() => {}), stderr: { isTTY: false, write: () => true } }
 */
export type CommandIo = {
  out(line: string): void
  err(line: string): void
  stopSignal(): Promise<string>
  /** Raw stderr for the progress bar. Default `process.stderr`. */
  stderr?: { isTTY?: boolean; write(chunk: string): unknown }
  env?: Record<string, string | undefined>
  cwd?: string
  now?: () => number
}

/**
 * A command, in the shape of the CLI's command table.
 *
 * @example
 * const command: Command = { name: 'catalog-sync-process', summary: '…', usage: 'Usage: …', run: async (args, io) => 0 }
 */
export type Command = {
  name: string
  summary: string
  usage: string
  run(args: string[], io: CommandIo): Promise<number>
}

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

type FlagSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
type Needs = 'local' | 'flow' | 'none'

/** What a command's `run` gets. */
export type CommandContext = {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
  io: CommandIo
  json: boolean
  /** Resolved configuration (local commands: `apiKey` and `apiUrl` may be empty). */
  config: AdapterConfig
  /** Opens the database with every adapter table (once; closed after the command). */
  db(): Db
  /** A Flow client for the configured organization. */
  client(): FlowClient
  /** A progress bar on stderr, drawn only on a TTY or with `--progress`. */
  progress(label: string): ProgressBar
  now(): number
}

const CONFIG_FLAGS: Record<string, FlagSpec> = {
  organization: { type: 'string' },
  'api-key': { type: 'string' },
  'api-url': { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
}

const CONFIG_HELP = `Configuration (flag, environment variable, or a .env file in the working directory):
  --organization ID   FLOW_ORGANIZATION  the Flow organization id
  --api-key KEY       FLOW_API_KEY       the organization's secret API key
  --api-url URL       FLOW_API_URL       default https://api.flow.io (the emulator's URL in development)
  --db PATH           FLOW_DB_PATH       the adapter's SQLite file, default flow-storefront.db
Output:
  --json              print one JSON object on stdout (for scripts)
  --progress          draw the progress bar on stderr even when it is not a terminal
  --help              show this help
Exit codes: 0 success, 1 failure (some work failed), 2 usage or configuration error.`

/**
 * Defines a command: its flags (the configuration and output flags are added), its usage text,
 * which configuration it needs (`flow`: organization and API key; `local`: organization and
 * database only; `none`), and the work, which returns the exit code.
 *
 * @example
 * defineCommand({ name: 'x', summary: 'Does x.', usage: 'x [--n N]', description: 'Does x to the queue.', flags: { n: { type: 'string' } }, needs: 'local', run: async (ctx) => 0 })
 */
export function defineCommand(spec: {
  name: string
  summary: string
  /** After the program and command name, e.g. `FILE [--replace]`. */
  usage: string
  description: string
  /** Lines describing the command's own flags. */
  flagHelp?: string
  flags?: Record<string, FlagSpec>
  positionals?: { min: number; max: number }
  needs: Needs
  run(context: CommandContext): Promise<number>
}): Command {
  const usage = [`Usage: ${PROGRAM} ${spec.name}${spec.usage ? ` ${spec.usage}` : ''} [configuration flags]`, '', spec.description, ...(spec.flagHelp ? ['', spec.flagHelp] : []), '', CONFIG_HELP].join('\n')
  return {
    name: spec.name,
    summary: spec.summary,
    usage,
    async run(args, io) {
      let values: CommandContext['values']
      let positionals: string[]
      try {
        const parsed = parseArgs({ args, options: { ...CONFIG_FLAGS, ...spec.flags }, strict: true, allowPositionals: true })
        values = parsed.values as CommandContext['values']
        positionals = parsed.positionals
        if (values.help === true) {
          io.out(usage)
          return 0
        }
        const { min, max } = spec.positionals ?? { min: 0, max: 0 }
        if (positionals.length < min) throw new UsageError(`expected ${min === 1 ? 'an argument' : `${min} arguments`}, received none`)
        if (positionals.length > max) throw new UsageError(`unexpected argument '${positionals[max]}'`)
      } catch (error) {
        io.err(`${PROGRAM} ${spec.name}: ${(error as Error).message}\n\n${usage}`)
        return 2
      }
      const json = values.json === true
      let config: AdapterConfig
      try {
        config = resolveConfig(values, io, spec.needs)
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        report(io, json, spec.name, error.message)
        return 2
      }
      let db: Db | undefined
      let client: FlowClient | undefined
      const now = io.now ?? Date.now
      const context: CommandContext = {
        values,
        positionals,
        io,
        json,
        config,
        db: () => (db ??= openDb(config.dbPath, ADAPTER_MIGRATIONS)),
        client: () => (client ??= createFlowClient({ organization: config.organization, apiKey: config.apiKey, baseUrl: config.apiUrl })),
        progress: (label) => createProgressBar({ label, stream: io.stderr ?? process.stderr, force: values.progress === true, now }),
        now,
      }
      try {
        return await spec.run(context)
      } catch (error) {
        if (error instanceof UsageError) {
          io.err(`${PROGRAM} ${spec.name}: ${error.message}\n\n${usage}`)
          return 2
        }
        if (error instanceof ConfigError) {
          report(io, json, spec.name, error.message)
          return 2
        }
        report(io, json, spec.name, error instanceof Error ? error.message : String(error))
        return 1
      } finally {
        db?.close()
      }
    },
  }
}

function report(io: CommandIo, json: boolean, name: string, message: string): void {
  io.err(`${PROGRAM} ${name}: ${message}`)
  if (json) io.out(JSON.stringify({ ok: false, error: message }))
}

/**
 * The configuration a command needs, from flags, then the environment, then `.env`. Throws a
 * `ConfigError` naming every missing setting.
 *
 * @example
 * resolveConfig({ organization: 'demo' }, { env: { FLOW_API_KEY: 'k' }, … }, 'flow')
 * // { organization: 'demo', apiKey: 'k', apiUrl: 'https://api.flow.io', dbPath: 'flow-storefront.db' }
 */
export function resolveConfig(values: CommandContext['values'], io: Pick<CommandIo, 'env' | 'cwd'>, needs: Needs): AdapterConfig {
  const env = { ...readDotEnv(io.cwd ?? process.cwd()), ...(io.env ?? process.env) }
  const flags: Record<keyof AdapterConfig, unknown> = { organization: values.organization, apiKey: values['api-key'], apiUrl: values['api-url'], dbPath: values.db }
  const required: (keyof AdapterConfig)[] = needs === 'flow' ? ['organization', 'apiKey', 'apiUrl', 'dbPath'] : needs === 'local' ? ['organization', 'dbPath'] : []
  const resolved: Record<string, string> = {}
  const missing: string[] = []
  for (const [name, setting] of Object.entries(SETTINGS) as [keyof AdapterConfig, (typeof SETTINGS)[keyof AdapterConfig]][]) {
    const flag = flags[name]
    const value = (typeof flag === 'string' ? flag : undefined) ?? env[setting.env] ?? ('default' in setting ? setting.default : undefined)
    if (value === undefined || value === '') {
      if (required.includes(name)) missing.push(`${name} (${setting.flag} or ${setting.env})`)
      resolved[name] = ''
    } else resolved[name] = value
  }
  if (missing.length > 0) throw new ConfigError(`missing setting${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. Set it as a flag, in the environment, or in a .env file.`)
  if (required.includes('apiUrl') && !/^https?:\/\//.test(resolved.apiUrl ?? '')) {
    throw new ConfigError(`apiUrl must be an http(s) URL, received "${resolved.apiUrl}" (--api-url or FLOW_API_URL)`)
  }
  return resolved as AdapterConfig
}

/**
 * A number flag: an integer within [min, max], or the default when absent; a UsageError otherwise.
 *
 * @example
 * intFlag({ concurrency: '4' }, 'concurrency', 10, 1, 100) // 4
 */
export function intFlag(values: CommandContext['values'], name: string, fallback: number, min: number, max: number): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (typeof raw !== 'string' || !Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, received '${String(raw)}'`)
  return value
}

/**
 * A string flag that must be a public http(s) base URL (for webhooks), from the flag or
 * `FLOW_BASE_URL` (environment or `.env`).
 *
 * @example
 * baseUrlFlag(ctx) // 'https://shop.example/flow'
 */
export function baseUrlFlag(context: CommandContext): string {
  const env = { ...readDotEnv(context.io.cwd ?? process.cwd()), ...(context.io.env ?? process.env) }
  const value = (typeof context.values['base-url'] === 'string' ? context.values['base-url'] : undefined) ?? env.FLOW_BASE_URL
  if (value === undefined || value === '') throw new ConfigError('missing setting: baseUrl (--base-url or FLOW_BASE_URL), the public URL of this adapter that Flow sends webhooks to.')
  if (!/^https?:\/\/[^\s/]+/.test(value)) throw new ConfigError(`baseUrl must be an http(s) URL, received "${value}" (--base-url or FLOW_BASE_URL)`)
  return value
}

/**
 * A progress bar for long work.
 *
 * @example
 * const bar = createProgressBar({ label: 'catalog', stream: process.stderr, now: Date.now })
 * bar.update(120, 1000) // catalog [###.........................] 120/1,000  12%  240/s  ETA 0:04
 * bar.done()
 */
export type ProgressBar = { update(done: number, total: number, note?: string): void; done(): void }

/**
 * Creates a progress bar on `stream`: redrawn in place (at most 10 times a second) on a TTY; with
 * `force` on a non-TTY, one line per second; otherwise silent. Shows counts, percent, rate and ETA.
 *
 * @example
 * createProgressBar({ label: 'sync', stream: { isTTY: false, write: () => true }, now: Date.now }) // silent
 */
export function createProgressBar(options: { label: string; stream: { isTTY?: boolean; write(chunk: string): unknown }; force?: boolean; now: () => number; width?: number }): ProgressBar {
  const tty = options.stream.isTTY === true
  if (!tty && !options.force) return { update() {}, done() {} }
  const started = options.now()
  const width = options.width ?? 28
  let lastDraw = Number.NEGATIVE_INFINITY
  let last = ''
  let drawnState = ''
  let latest: [number, number, string | undefined] | undefined
  const render = (done: number, total: number, note?: string) => {
    const elapsed = Math.max(1, options.now() - started) / 1000
    const rate = done / elapsed
    const ratio = total > 0 ? Math.min(1, done / total) : 1
    const filled = Math.round(ratio * width)
    const eta = rate > 0 && total > done ? Math.ceil((total - done) / rate) : 0
    const fmt = (n: number) => n.toLocaleString('en-US')
    const time = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`
    return `${options.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${fmt(done)}/${fmt(total)} ${String(Math.floor(ratio * 100)).padStart(3)}%  ${rate >= 10 ? fmt(Math.round(rate)) : rate.toFixed(1)}/s  ${total > done ? `ETA ${time(eta)}` : `in ${time(elapsed)}`}${note ? `  ${note}` : ''}`
  }
  const draw = (line: string) => {
    last = line
    options.stream.write(tty ? `\r${line}\u001b[K` : `${line}\n`)
  }
  return {
    update(done, total, note) {
      latest = [done, total, note]
      const now = options.now()
      if (JSON.stringify(latest) === drawnState) return
      if (now - lastDraw < (tty ? 100 : 1000) && done < total) return
      lastDraw = now
      drawnState = JSON.stringify(latest)
      draw(render(done, total, note))
    },
    done() {
      // The last state is always shown, even if it came too soon after the previous drawing.
      if (latest && JSON.stringify(latest) !== drawnState) draw(render(...latest))
      if (last !== '' && tty) options.stream.write('\n')
    },
  }
}

/**
 * Prints a result: one JSON object with `--json`, otherwise the human lines.
 *
 * @example
 * output(ctx, { ok: true, put: 51 }, ['Synced 51 products.'])
 */
export function output(context: CommandContext, result: Record<string, unknown>, lines: readonly string[]): void {
  if (context.json) context.io.out(JSON.stringify(result))
  else for (const line of lines) context.io.out(line)
}
