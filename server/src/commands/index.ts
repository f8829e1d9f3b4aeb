// The adapter's commands (everything but `emulator` and `serve`), for the CLI's command table.
import { catalogCommands } from './catalog.js'
import { cronCommands } from './cron.js'
import { integrationCommands } from './integration.js'
import { inventoryCommands } from './inventory.js'
import { pricesCommands } from './prices.js'
import type { Command } from './shared.js'
import { webhookCommands } from './webhooks.js'

export { ADAPTER_MIGRATIONS, createProgressBar, defineCommand, resolveConfig } from './shared.js'
export type { Command, CommandContext, CommandIo, ProgressBar } from './shared.js'

/** Every adapter command, in the order `--help` lists them. */
export const adapterCommands: Command[] = [
  ...catalogCommands,
  ...integrationCommands,
  ...inventoryCommands,
  ...webhookCommands,
  ...pricesCommands,
  ...cronCommands,
]
