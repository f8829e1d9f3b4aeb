// Adapter configuration from, in order of precedence: command-line flags, the environment, and a
// `.env` file in the working directory. Every command reads it the same way; a missing setting
// is a clear error that names the flag and the variable.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export type AdapterConfig = {
  organization: string
  apiKey: string
  apiUrl: string
  dbPath: string
}

/** Each setting: its flag, its environment variable, and its default (none = required). */
export const SETTINGS = {
  organization: { flag: '--organization', env: 'FLOW_ORGANIZATION' },
  apiKey: { flag: '--api-key', env: 'FLOW_API_KEY' },
  apiUrl: { flag: '--api-url', env: 'FLOW_API_URL', default: 'https://api.flow.io' },
  dbPath: { flag: '--db', env: 'FLOW_DB_PATH', default: 'flow-storefront.db' },
} as const satisfies Record<keyof AdapterConfig, { flag: string; env: string; default?: string }>

export type ConfigSources = {
  /** Parsed flags by setting name (`{ organization: 'demo' }`), already taken from argv. */
  flags?: Partial<Record<keyof AdapterConfig, string | undefined>>
  env?: Record<string, string | undefined>
  /** Directory whose `.env` file is read; default `process.cwd()`. */
  cwd?: string
}

/** Thrown for a missing or invalid setting; the CLI prints the message and exits with code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

/**
 * Resolves the configuration, or throws a `ConfigError` naming every missing setting.
 *
 * @example
 * loadConfig({ flags: { organization: 'demo' }, env: { FLOW_API_KEY: 'k' } })
 * // { organization: 'demo', apiKey: 'k', apiUrl: 'https://api.flow.io', dbPath: 'flow-storefront.db' }
 */
export function loadConfig(sources: ConfigSources = {}): AdapterConfig {
  const env = { ...readDotEnv(sources.cwd ?? process.cwd()), ...(sources.env ?? process.env) }
  const resolved: Partial<AdapterConfig> = {}
  const missing: string[] = []
  for (const [name, setting] of Object.entries(SETTINGS) as [keyof AdapterConfig, (typeof SETTINGS)[keyof AdapterConfig]][]) {
    const value = sources.flags?.[name] ?? env[setting.env] ?? ('default' in setting ? setting.default : undefined)
    if (value === undefined || value === '') missing.push(`${name} (${setting.flag} or ${setting.env})`)
    else resolved[name] = value
  }
  if (missing.length > 0) {
    throw new ConfigError(`missing setting${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. Set it as a flag, in the environment, or in a .env file.`)
  }
  if (!/^https?:\/\//.test(resolved.apiUrl ?? '')) {
    throw new ConfigError(`apiUrl must be an http(s) URL, received "${resolved.apiUrl}" (--api-url or FLOW_API_URL)`)
  }
  return resolved as AdapterConfig
}

/** `KEY=value` lines of `dir/.env` (comments, blank lines and `export ` prefixes allowed; quotes stripped). */
export function readDotEnv(dir: string): Record<string, string> {
  const path = join(dir, '.env')
  if (!existsSync(path)) return {}
  const values: Record<string, string> = {}
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!match || line.trimStart().startsWith('#')) continue
    const [, key, raw = ''] = match
    values[key as string] = raw.replace(/^(['"])(.*)\1$/, '$2')
  }
  return values
}
