// Structured logging for the server: one JSON object per line, written to a stream (stderr by
// default, so `serve --json` keeps stdout for its one `{"url": …}` line). Callers pass ids and
// counts as fields, never payloads, secrets, signatures, session ids or customer data.

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** Fields of one log line: ids, counts, durations, short codes. */
export type LogFields = Record<string, string | number | boolean | null | undefined>

/**
 * The logger port the webhook receiver, processor, checkout endpoint and `serve` write to.
 *
 * @example
 * logger.info('webhook.stored', { event_id: 'evt-1', type: 'order_placed' })
 */
export type Logger = {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** A logger that drops everything (the default of library functions). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }

/**
 * A JSON-lines logger: `{"time":…,"level":"info","msg":"webhook.stored","event_id":"evt-1"}`.
 *
 * @example
 * const logger = createJsonLogger({ level: 'info' })
 * logger.info('serve.listening', { port: 8080 })
 * // stderr: {"time":"2024-05-01T10:00:00.000Z","level":"info","msg":"serve.listening","port":8080}
 */
export function createJsonLogger(options: { level?: LogLevel; write?: (line: string) => void; now?: () => Date } = {}): Logger {
  const min = RANK[options.level ?? 'info']
  const write = options.write ?? ((line: string) => process.stderr.write(line))
  const now = options.now ?? (() => new Date())
  const log = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (RANK[level] < min) return
    const record: Record<string, unknown> = { time: now().toISOString(), level, msg: message }
    for (const [key, value] of Object.entries(fields)) if (value !== undefined && !(key in record)) record[key] = value
    write(`${JSON.stringify(record)}\n`)
  }
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}

/** The message of an error without its stack, for a log field. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
